// The long browser walks start first, as the server tests' long classes do (see LongRunningFirst).
[assembly: TestCollectionOrderer("Dtx.Campaign.Server.Tests.Infrastructure.LongRunningFirst", "Dtx.Campaign.Server.Tests")]
