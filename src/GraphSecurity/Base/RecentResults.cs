using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Reflection;

namespace GraphSecurity.Commands.Base;

/// <summary>
/// The ids (and titles) of the objects the Get- cmdlets wrote recently, per type, so -Id can be
/// completed with Tab from what the user has just seen.
/// </summary>
internal static class RecentResults
{
    private const int Capacity = 500;
    private static readonly ConcurrentDictionary<Type, RecentList> ByType = new ConcurrentDictionary<Type, RecentList>();

    public static void Remember(object item)
    {
        if (item == null) return;
        var list = ByType.GetOrAdd(item.GetType(), type => new RecentList(type));
        list.Add(item);
    }

    public static IReadOnlyList<KeyValuePair<string, string>> Of(Type type) =>
        ByType.TryGetValue(type, out var list) ? list.Snapshot() : new KeyValuePair<string, string>[0];

    private sealed class RecentList
    {
        private readonly PropertyInfo _id;
        private readonly PropertyInfo _label;
        private readonly LinkedList<KeyValuePair<string, string>> _items = new LinkedList<KeyValuePair<string, string>>();
        // The node of each id, so remembering is O(1) however long the read (100,000 alerts in a row).
        private readonly Dictionary<string, LinkedListNode<KeyValuePair<string, string>>> _nodes =
            new Dictionary<string, LinkedListNode<KeyValuePair<string, string>>>(StringComparer.Ordinal);

        public RecentList(Type type)
        {
            _id = type.GetProperty("Id");
            _label = type.GetProperty("Title") ?? type.GetProperty("DisplayName") ?? type.GetProperty("Name");
        }

        public void Add(object item)
        {
            if (!(_id?.GetValue(item) is string id) || id.Length == 0) return;
            var label = _label?.GetValue(item) as string ?? id;
            lock (_items)
            {
                if (_nodes.TryGetValue(id, out var existing)) _items.Remove(existing);
                _nodes[id] = _items.AddFirst(new KeyValuePair<string, string>(id, label));
                while (_items.Count > Capacity)
                {
                    _nodes.Remove(_items.Last.Value.Key);
                    _items.RemoveLast();
                }
            }
        }

        public IReadOnlyList<KeyValuePair<string, string>> Snapshot()
        {
            lock (_items) return _items.ToList();
        }
    }
}

/// <summary>Completes -Id from the objects of type <typeparamref name="T"/> written in this session.</summary>
public sealed class RecentIdCompleter<T> : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = CompletionWords.Unquoted(wordToComplete);
        return RecentResults.Of(typeof(T))
            .Where(p => p.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(p => new CompletionResult(p.Key, p.Key, CompletionResultType.ParameterValue, p.Value));
    }
}
