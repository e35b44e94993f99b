using Xunit.Abstractions;

[assembly: TestCollectionOrderer("Dtx.Campaign.Server.Tests.Infrastructure.LongRunningFirst", "Dtx.Campaign.Server.Tests")]
// Twice the cores: much of a class's time is spent waiting (PostgreSQL, the SMTP server, child server processes), and
// four classes at a time fill those waits (on 2 cores the project took 6:09 with two, 5:32 with four; 2026-12-07).
[assembly: CollectionBehavior(MaxParallelThreads = 4)]

namespace Dtx.Campaign.Server.Tests.Infrastructure;

/// <summary>Marks a test class that takes far longer than the others (real processes, a whole demo, hundreds of e-mails).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class LongRunningAttribute : Attribute;

/// <summary>
/// Starts the test classes marked <see cref="LongRunningAttribute"/> first, the others after in xunit's order.
/// xunit runs as many classes at a time as it has threads and starts the next as one ends: a long class started
/// last runs on alone at the end of the suite while the machine idles, one started first overlaps the short ones.
/// </summary>
public sealed class LongRunningFirst : ITestCollectionOrderer
{
    private const string Prefix = "Test collection for ";

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(c => IsLongRunning(c) ? 0 : 1);   // stable: the rest keep xunit's order

    private static bool IsLongRunning(ITestCollection collection)
    {
        // A class without a named collection is a collection of its own, named after the class.
        if (!collection.DisplayName.StartsWith(Prefix, StringComparison.Ordinal))
            return false;
        var name = collection.DisplayName[Prefix.Length..];
        var type = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(name)).FirstOrDefault(t => t is not null);
        return type?.IsDefined(typeof(LongRunningAttribute), inherit: true) == true;
    }
}
