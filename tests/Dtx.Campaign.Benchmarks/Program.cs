using Dtx.Campaign.Benchmarks;

// One scenario per command; each prints its figures, the raw baseline measured in the same run, and the ratio.
// See docs/benchmarks.md for the commands and the last figures.
var scenarios = new Dictionary<string, Func<string[], Task>>(StringComparer.Ordinal)
{
    ["deadline-rush"] = DeadlineRushBenchmark.RunAsync,
    ["results"] = ResultsBenchmark.RunAsync,
    ["reminders"] = RemindersBenchmark.RunAsync,
    ["certificates"] = CertificatesBenchmark.RunAsync,
    ["timers"] = TimersBenchmark.RunAsync,
    ["cold-start"] = ColdStartBenchmark.RunAsync,
    ["publication-day"] = PublicationDayBenchmark.RunAsync,
    ["everyday-pages"] = EverydayPagesBenchmark.RunAsync,
};
if (args.Length == 0 || !scenarios.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: dotnet run -c Release --project tests/Dtx.Campaign.Benchmarks -- <{string.Join("|", scenarios.Keys)}> [--units N] [--clients N] ...");
    return 2;
}
await run(args);
return 0;
