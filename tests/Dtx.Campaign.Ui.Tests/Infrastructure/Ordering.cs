// The long browser walks start first, as the server tests' long classes do (see LongRunningFirst).
[assembly: TestCollectionOrderer("Dtx.Campaign.Server.Tests.Infrastructure.LongRunningFirst", "Dtx.Campaign.Server.Tests")]
// Four walks at a time on 2 cores: a walk spends much of its time waiting on its page, its server and its database, and two
// at a time left the cores part idle (the project took 3:52 with four against 4:28 with two, its own CPU 336 s against
// 365 s; 2026-12-07, another engineer's builds and benchmarks running beside both).
[assembly: CollectionBehavior(MaxParallelThreads = 4)]
