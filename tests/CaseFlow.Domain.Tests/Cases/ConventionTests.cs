using System.Reflection;
using System.Runtime.CompilerServices;
using CaseFlow.Domain.Cases;

namespace CaseFlow.Domain.Tests.Cases;

/// <summary>Style rule 13: every event is a sealed record, registered under a unique stable versioned name, with no DateTime members.</summary>
public class ConventionTests
{
    private static readonly Type[] Events = typeof(CaseEvent).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(CaseEvent))).ToArray();

    [Fact]
    public void EveryEvent_IsASealedRecord() =>
        Assert.All(Events, t => Assert.True(t.IsSealed && t.GetMethod("<Clone>$") is not null, $"{t.Name} must be a sealed record"));

    [Fact]
    public void EveryEvent_HasAUniqueVersionedName()
    {
        Assert.All(Events, t => Assert.True(CaseEventTypes.Names.ContainsKey(t), $"{t.Name} has no stored name"));
        Assert.Equal(CaseEventTypes.Names.Count, CaseEventTypes.Names.Values.Distinct().Count());
        Assert.All(CaseEventTypes.Names.Values, n => Assert.Matches(@"^[A-Z][A-Za-z]+\.v\d+$", n));
    }

    [Fact]
    public void NoDomainType_HasDateTimeMembers()
    {
        var banned = new[] { typeof(DateTime), typeof(DateTimeOffset), typeof(DateTime?), typeof(DateTimeOffset?) };
        var offenders = typeof(CaseEvent).Assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<CompilerGeneratedAttribute>() is null)
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => (t, p.Name, p.PropertyType)))
            .Where(x => banned.Contains(x.PropertyType))
            .Select(x => $"{x.t.Name}.{x.Name}");
        Assert.Empty(offenders);
    }
}
