using System.Globalization;
using System.Text.Json.Nodes;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Graph.Alerts;
using Microsoft.OData;
using Microsoft.OData.UriParser;

namespace GraphSecurity.Emulator.Graph.Query;

/// <summary>Evaluation state for one item (plus lambda range variables bound to collection members).</summary>
public sealed class FilterContext
{
    public object Item;
    public bool IncludeUnknownMembers;
    public Dictionary<string, JsonNode> Variables = new(StringComparer.Ordinal);
}

/// <summary>
/// Compiles an OData <c>$filter</c> against an <see cref="EntitySchema"/> into a predicate. Parsing is done by
/// Microsoft.OData.Core's syntactic parser (<see cref="UriQueryExpressionParser"/>, which yields a
/// QueryToken tree without needing an EDM model); binding, type checking and evaluation are ours.
/// </summary>
public sealed class FilterCompiler
{
    private readonly EntitySchema _schema;
    private FilterCompiler(EntitySchema schema) => _schema = schema;

    private enum VType { Bool, String, DateTime, Enum, Null, Number, Dynamic }

    private sealed class Node
    {
        public VType Type;
        public EnumDef Enum;
        public bool IsConstant;
        public object Constant;
        public Func<FilterContext, object> Eval;
        /// <summary>For a string property: the property, so comparisons with literals can become set lookups.</summary>
        public PropertyDef Property;
        /// <summary>Set when the node is "Property eq one of these literals" (case-insensitive).</summary>
        public HashSet<string> OneOf;
    }

    private const string EvidenceTypePrefix = "microsoft.graph.security.";

    public static Func<FilterContext, bool> Compile(string filter, EntitySchema schema) => new FilterCompiler(schema).CompileFilter(filter);

    private Func<FilterContext, bool> CompileFilter(string filter)
    {
        QueryToken token;
        try
        {
            token = new UriQueryExpressionParser(100).ParseFilter(filter);
        }
        catch (ODataException e)
        {
            throw Invalid(e.Message);
        }
        var node = Bind(token, new List<string>());
        if (node.Type != VType.Bool && node.Type != VType.Dynamic)
            throw Invalid("The $filter expression must evaluate to a single boolean value.");
        var eval = node.Eval;
        return ctx => eval(ctx) is true;
    }

    private static GraphError Invalid(string message) => GraphError.BadRequest("Invalid filter clause: " + message);

    private static Node Const(VType type, object value, EnumDef e = null) =>
        new() { Type = type, IsConstant = true, Constant = value, Enum = e, Eval = _ => value };

    private Node Bind(QueryToken token, List<string> scope)
    {
        switch (token)
        {
            case LiteralToken lit:
                return BindLiteral(lit);
            case BinaryOperatorToken bin:
                return BindBinary(bin, scope);
            case UnaryOperatorToken un:
                if (un.OperatorKind != UnaryOperatorKind.Not)
                    throw Invalid($"The unary operator '{un.OperatorKind}' is not supported.");
                var operand = Bind(un.Operand, scope);
                RequireBool(operand, "not");
                return new Node { Type = VType.Bool, Eval = c => operand.Eval(c) is bool b ? !b : (object)null };
            case LambdaToken lambda:
                return BindLambda(lambda, scope);
            case DottedIdentifierToken dotted when dotted.NextToken == null && dotted.Identifier.Contains('\''):
                return BindEnumLiteral(dotted.Identifier);
            case EndPathToken end when end.NextToken == null && !scope.Contains(end.Identifier):
                return BindProperty(end.Identifier);
            case PathToken path:
                return BindEvidencePath(path, scope);
            case RangeVariableToken rv when scope.Contains(rv.Name):
                // The bare range variable of a lambda over a string collection: tags/any(t: t eq 'x').
                return new Node { Type = VType.Dynamic, Eval = c => FromJson(c.Variables.TryGetValue(rv.Name, out var v) ? v : null) };
            case FunctionCallToken f when _schema.AllowStartsWith && string.Equals(f.Name, "startswith", StringComparison.OrdinalIgnoreCase):
                return BindStartsWith(f, scope);
            case FunctionCallToken f:
                throw Invalid($"The function '{f.Name}' is not supported in $filter on {_schema.ResourceName}.");
            case InToken:
                throw Invalid($"The 'in' operator is not supported in $filter on {_schema.ResourceName}; use 'or'.");
            default:
                throw Invalid($"Unsupported expression of kind '{token.Kind}'.");
        }
    }

    /// <summary>startswith(property, 'prefix'), case-insensitive, for schemas that allow it.</summary>
    private Node BindStartsWith(FunctionCallToken f, List<string> scope)
    {
        var args = f.Arguments.Select(a => Bind(a.ValueToken, scope)).ToList();
        if (args.Count != 2 || args[0].Type != VType.String || args[0].IsConstant || !args[1].IsConstant || args[1].Constant is not string prefix)
            throw Invalid("startswith takes a string property and a string literal, e.g. startswith(computerDnsName,'ws-').");
        var property = args[0];
        return new Node { Type = VType.Bool, Eval = c => property.Eval(c) is string value && value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) };
    }

    private static Node BindLiteral(LiteralToken lit)
    {
        switch (lit.Value)
        {
            case null: return Const(VType.Null, null);
            case string s: return Const(VType.String, s);
            case bool b: return Const(VType.Bool, b);
            case DateTimeOffset d: return Const(VType.DateTime, d.ToUniversalTime());
#pragma warning disable CS0618 // Edm.Date is what ODL 8 produces for date literals
            case Microsoft.OData.Edm.Date d:
#pragma warning restore CS0618
                return Const(VType.DateTime, new DateTimeOffset(d.Year, d.Month, d.Day, 0, 0, 0, TimeSpan.Zero));
            case Guid g: return Const(VType.String, g.ToString());
            case int or long or short or byte or sbyte or decimal or double or float:
                return Const(VType.Number, Convert.ToDouble(lit.Value, CultureInfo.InvariantCulture));
            default:
                throw Invalid($"Literals of type '{lit.Value.GetType().Name}' are not supported.");
        }
    }

    private Node BindEnumLiteral(string text)
    {
        // microsoft.graph.security.alertSeverity'high'
        var q = text.IndexOf('\'');
        var typeName = text[..q];
        var member = text[(q + 1)..].TrimEnd('\'');
        var def = _schema.Enums.FirstOrDefault(e => string.Equals(e.FullName, typeName, StringComparison.OrdinalIgnoreCase));
        if (def == null) throw Invalid($"The enum type '{typeName}' is not known.");
        var canonical = def.Parse(member) ?? throw Invalid($"The string '{member}' is not a valid enumerated type constant.");
        return Const(VType.Enum, canonical, def);
    }

    private GraphError UnknownProperty(string name) =>
        Invalid($"Could not find a property named '{name}' on type '{_schema.TypeName}'.");

    private PropertyDef FilterableProperty(string name)
    {
        var p = _schema.Find(name) ?? throw UnknownProperty(name);
        if (!p.Filterable && !p.Lambda)
            throw Invalid($"The property '{name}' is not supported in $filter on {_schema.ResourceName}. Filterable properties: {string.Join(", ", _schema.FilterableNames)}{_schema.FilterHint}.");
        return p;
    }

    private Node BindProperty(string name)
    {
        var p = FilterableProperty(name);
        return p.Kind switch
        {
            PropertyKind.String => new Node { Type = VType.String, Property = p, Eval = c => p.Get(c.Item) },
            PropertyKind.DateTime => new Node { Type = VType.DateTime, Eval = c => p.Get(c.Item) },
            PropertyKind.Int or PropertyKind.Double => new Node { Type = VType.Number, Eval = c => p.Get(c.Item) is { } v ? Convert.ToDouble(v, CultureInfo.InvariantCulture) : null },
            PropertyKind.Bool => new Node { Type = VType.Bool, Eval = c => p.Get(c.Item) },
            PropertyKind.Enum => new Node { Type = VType.Enum, Enum = p.Enum, Eval = c => p.Enum.Visible((string)p.Get(c.Item), c.IncludeUnknownMembers) },
            _ => throw Invalid($"The property '{name}' cannot be used in a comparison."),
        };
    }

    /// <summary>The members of a lambda-capable collection property as JSON nodes (strings become JSON string values).</summary>
    private static IEnumerable<JsonNode> Members(object value) => value switch
    {
        null => Enumerable.Empty<JsonNode>(),
        IEnumerable<JsonNode> nodes => nodes,
        IEnumerable<string> strings => strings.Select(s => (JsonNode)JsonValue.Create(s)),
        _ => Enumerable.Empty<JsonNode>(),
    };

    private Node BindLambda(LambdaToken lambda, List<string> scope)
    {
        var parentName = lambda.Parent switch
        {
            InnerPathToken ip when ip.NextToken == null => ip.Identifier,
            EndPathToken ep when ep.NextToken == null => ep.Identifier,
            _ => null,
        };
        var source = parentName == null ? null : _schema.Find(parentName);
        if (!_schema.Properties.Any(p => p.Lambda))
            throw Invalid($"Lambda operators are not supported in $filter on {_schema.ResourceName}.");
        if (source == null || !source.Lambda)
            throw Invalid($"Lambda operators (any/all) are only supported on the collections {string.Join(", ", _schema.Properties.Where(p => p.Lambda).Select(p => "'" + p.Name + "'"))}.");
        var isAll = lambda is AllToken;
        if (lambda.Expression == null)
        {
            if (isAll) throw Invalid("'all' requires a lambda expression.");
            return new Node { Type = VType.Bool, Eval = c => Members(source.Get(c.Item)).Any() };
        }
        var variable = lambda.Parameter;
        if (scope.Contains(variable)) throw Invalid($"The range variable '{variable}' is already in use.");
        var inner = Bind(lambda.Expression, new List<string>(scope) { variable });
        RequireBool(inner, isAll ? "all" : "any");
        return new Node
        {
            Type = VType.Bool,
            Eval = c =>
            {
                var saved = c.Variables.TryGetValue(variable, out var old) ? old : null;
                try
                {
                    foreach (var item in Members(source.Get(c.Item)))
                    {
                        c.Variables[variable] = item;
                        var r = inner.Eval(c) is true;
                        if (isAll && !r) return false;
                        if (!isAll && r) return true;
                    }
                    return isAll;
                }
                finally
                {
                    if (saved != null) c.Variables[variable] = saved; else c.Variables.Remove(variable);
                }
            },
        };
    }

    /// <summary>
    /// A path rooted at a lambda variable (e/microsoft.graph.security.userEvidence/userAccount/userPrincipalName)
    /// or at a filterable complex property (vendorInformation/provider).
    /// The parser chains segments from last to first through NextToken.
    /// </summary>
    private Node BindEvidencePath(PathToken path, List<string> scope)
    {
        var segments = new List<QueryToken>();
        QueryToken t = path;
        while (t != null)
        {
            segments.Add(t);
            t = t switch
            {
                PathToken p => p.NextToken,
                _ => null,
            };
        }
        segments.Reverse();
        string root = segments[0] switch
        {
            RangeVariableToken r => r.Name,
            EndPathToken e => e.Identifier,
            InnerPathToken i => i.Identifier,
            _ => null,
        };
        Func<FilterContext, JsonNode> start;
        if (root != null && scope.Contains(root))
        {
            start = c => c.Variables.TryGetValue(root, out var v) ? v : null;
        }
        else
        {
            var first = segments[0] is PathToken ps ? ps.Identifier : segments[0].Kind.ToString();
            var p = _schema.Find(first) ?? throw UnknownProperty(first);
            if ((p.Kind != PropertyKind.Json || !p.Filterable) && !_schema.Properties.Any(l => l.Lambda))
                throw Invalid($"Property paths are not supported in $filter on {_schema.ResourceName}.");
            if (p.Kind != PropertyKind.Json || !p.Filterable)
                throw Invalid($"Navigating into '{first}' is only supported inside {string.Join(" or ", _schema.Properties.Where(l => l.Lambda).Select(l => l.Name + "/any(...)"))}.");
            start = c => (JsonNode)p.Get(c.Item);
        }
        var steps = new List<Func<JsonNode, JsonNode>>();
        foreach (var seg in segments.Skip(1))
        {
            switch (seg)
            {
                case DottedIdentifierToken d:
                    if (!d.Identifier.StartsWith(EvidenceTypePrefix, StringComparison.Ordinal))
                        throw Invalid($"The type cast '{d.Identifier}' is not a microsoft.graph.security evidence type.");
                    var odataType = "#" + d.Identifier;
                    steps.Add(n => n is JsonObject o && (string)o["@odata.type"] == odataType ? n : null);
                    break;
                case PathToken s:
                    var name = s.Identifier;
                    steps.Add(n => n is JsonObject o ? o[name] : null);
                    break;
                default:
                    throw Invalid($"Unsupported path segment '{seg.Kind}'.");
            }
        }
        return new Node
        {
            Type = VType.Dynamic,
            Eval = c =>
            {
                JsonNode n = start(c);
                foreach (var step in steps)
                {
                    if (n == null) return null;
                    n = step(n);
                }
                return FromJson(n);
            },
        };
    }

    private static object FromJson(JsonNode n)
    {
        if (n is not JsonValue v) return n == null ? null : n; // objects/arrays compare unequal to literals
        if (v.TryGetValue(out string s)) return s;
        if (v.TryGetValue(out bool b)) return b;
        if (v.TryGetValue(out long l)) return (double)l;
        if (v.TryGetValue(out int i)) return (double)i;
        if (v.TryGetValue(out double d)) return d;
        return v.ToJsonString();
    }

    private static void RequireBool(Node n, string op)
    {
        if (n.Type != VType.Bool && n.Type != VType.Dynamic)
            throw Invalid($"The operand of '{op}' must be a boolean expression, not '{TypeName(n)}'.");
    }

    private static string TypeName(Node n) => n.Type switch
    {
        VType.Bool => "Edm.Boolean",
        VType.String => "Edm.String",
        VType.DateTime => "Edm.DateTimeOffset",
        VType.Enum => n.Enum.FullName,
        VType.Null => "null",
        VType.Number => "Edm.Double",
        _ => "Edm.Untyped",
    };

    private Node BindBinary(BinaryOperatorToken bin, List<string> scope)
    {
        var left = Bind(bin.Left, scope);
        var right = Bind(bin.Right, scope);
        var kind = bin.OperatorKind;
        if (kind is BinaryOperatorKind.And or BinaryOperatorKind.Or)
        {
            RequireBool(left, kind == BinaryOperatorKind.And ? "and" : "or");
            RequireBool(right, kind == BinaryOperatorKind.And ? "and" : "or");
            if (kind == BinaryOperatorKind.And)
                return new Node { Type = VType.Bool, Eval = c => left.Eval(c) is true && right.Eval(c) is true };
            if (left.OneOf != null && right.OneOf != null && left.Property == right.Property)
                return OneOf(left.Property, left.OneOf.Concat(right.OneOf));
            return new Node { Type = VType.Bool, Eval = c => left.Eval(c) is true || right.Eval(c) is true };
        }
        if (kind is not (BinaryOperatorKind.Equal or BinaryOperatorKind.NotEqual or BinaryOperatorKind.GreaterThan
            or BinaryOperatorKind.GreaterThanOrEqual or BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual))
            throw Invalid($"The operator '{kind}' is not supported; use eq, ne, gt, ge, lt, le, and, or, not.");

        // An enum compared with a string literal: the literal must name a member (case-insensitive).
        left = CoerceEnum(left, right);
        right = CoerceEnum(right, left);
        if (!Compatible(left, right))
            throw Invalid($"A binary operator with incompatible types was detected. Found operand types '{TypeName(left)}' and '{TypeName(right)}' for operator kind '{kind}'.");
        if (kind == BinaryOperatorKind.Equal && left.Property != null && right.IsConstant && right.Constant is string literal)
            return OneOf(left.Property, new[] { literal });
        var enumDef = left.Enum ?? right.Enum;
        return new Node
        {
            Type = VType.Bool,
            Eval = c =>
            {
                var a = left.Eval(c);
                var b = right.Eval(c);
                if (a == null || b == null)
                {
                    return kind switch
                    {
                        BinaryOperatorKind.Equal => a == null && b == null,
                        BinaryOperatorKind.NotEqual => !(a == null && b == null),
                        _ => false,
                    };
                }
                var cmp = CompareValues(a, b, enumDef, out var comparable);
                if (!comparable)
                    return kind == BinaryOperatorKind.NotEqual;
                return kind switch
                {
                    BinaryOperatorKind.Equal => cmp == 0,
                    BinaryOperatorKind.NotEqual => cmp != 0,
                    BinaryOperatorKind.GreaterThan => cmp > 0,
                    BinaryOperatorKind.GreaterThanOrEqual => cmp >= 0,
                    BinaryOperatorKind.LessThan => cmp < 0,
                    _ => cmp <= 0,
                };
            },
        };
    }

    /// <summary>
    /// "p eq 'a' or p eq 'b' or …" as one set lookup per item instead of a comparison per literal: lookups
    /// by many ids at once (e.g. existence checks by externalId) stay cheap on large collections.
    /// </summary>
    private static Node OneOf(PropertyDef property, IEnumerable<string> literals)
    {
        var set = new HashSet<string>(literals, StringComparer.OrdinalIgnoreCase);
        return new Node
        {
            Type = VType.Bool,
            Property = property,
            OneOf = set,
            Eval = c => property.Get(c.Item) is string value && set.Contains(value),
        };
    }

    private static Node CoerceEnum(Node n, Node other)
    {
        if (other.Type != VType.Enum || n.Type != VType.String || !n.IsConstant) return n;
        var s = (string)n.Constant;
        var canonical = other.Enum.Parse(s)
            ?? throw Invalid($"The string '{s}' is not a valid enumerated type constant for '{other.Enum.FullName}'. Valid values: {string.Join(", ", other.Enum.Members)}.");
        return Const(VType.Enum, canonical, other.Enum);
    }

    private static bool Compatible(Node a, Node b)
    {
        if (a.Type == VType.Null || b.Type == VType.Null || a.Type == VType.Dynamic || b.Type == VType.Dynamic) return true;
        if (a.Type == VType.Enum && b.Type == VType.Enum) return a.Enum == b.Enum;
        return a.Type == b.Type;
    }

    private static int CompareValues(object a, object b, EnumDef enumDef, out bool comparable)
    {
        comparable = true;
        switch (a)
        {
            case string sa when b is string sb:
                if (enumDef != null && enumDef.Ordinal(sa) >= 0 && enumDef.Ordinal(sb) >= 0)
                    return enumDef.Ordinal(sa).CompareTo(enumDef.Ordinal(sb));
                return string.Compare(sa, sb, StringComparison.OrdinalIgnoreCase);
            case DateTimeOffset da when b is DateTimeOffset db:
                return da.CompareTo(db);
            case double na when b is double nb:
                return na.CompareTo(nb);
            case bool ba when b is bool bb:
                return ba.CompareTo(bb);
            case string sa2 when b is double nb2 && double.TryParse(sa2, NumberStyles.Float, CultureInfo.InvariantCulture, out var na2):
                return na2.CompareTo(nb2);
            case double na3 when b is string sb3 && double.TryParse(sb3, NumberStyles.Float, CultureInfo.InvariantCulture, out var nb3):
                return na3.CompareTo(nb3);
            case string sa4 when b is DateTimeOffset db4 && DateTimeOffset.TryParse(sa4, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var da4):
                return da4.CompareTo(db4);
            case DateTimeOffset da5 when b is string sb5 && DateTimeOffset.TryParse(sb5, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var db5):
                return da5.CompareTo(db5);
            default:
                comparable = false;
                return 0;
        }
    }
}
