using System;
using System.Collections;
using System.Linq;
using System.Reflection;
using Xunit;

namespace GraphSecurity.Engine.Tests;

/// <summary>
/// Export-Csv writes each property's ToString(). These checks keep every output type readable
/// there: collections are ValueList (items joined), nested objects print their content.
/// </summary>
public class ModelShapeTests
{
    private static readonly Type[] ModelTypes = typeof(Alert).Assembly.GetExportedTypes()
        .Where(t => t.IsClass && !t.IsAbstract && !t.IsGenericTypeDefinition && t.Namespace == "GraphSecurity").ToArray();

    public static TheoryData<string> Types()
    {
        var data = new TheoryData<string>();
        foreach (var type in ModelTypes) data.Add(type.FullName);
        return data;
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void Collections_are_value_lists_and_nested_objects_print_their_content(string typeName)
    {
        var type = ModelTypes.Single(t => t.FullName == typeName);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var propertyType = property.PropertyType;
            if (propertyType == typeof(string) || propertyType.IsValueType || Nullable.GetUnderlyingType(propertyType) != null) continue;
            if (typeof(IEnumerable).IsAssignableFrom(propertyType))
            {
                Assert.True(propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(ValueList<>),
                    $"{type.Name}.{property.Name} is {propertyType.Name}; use ValueList<T> so Export-Csv shows its items.");
                continue;
            }
            if (propertyType == typeof(Uri) || propertyType == typeof(object)) continue;
            var toString = propertyType.GetMethod("ToString", Type.EmptyTypes);
            Assert.True(toString.DeclaringType != typeof(object),
                $"{type.Name}.{property.Name} is {propertyType.Name}, which does not override ToString(); Export-Csv would print its type name.");
        }
    }

    [Fact]
    public void The_model_assembly_has_no_dependencies_beyond_the_framework()
    {
        var references = typeof(Alert).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.All(references, name => Assert.True(name == "netstandard" || name.StartsWith("System"), $"GraphSecurity.Models references {name}"));
    }
}
