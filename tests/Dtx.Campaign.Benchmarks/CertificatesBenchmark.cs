using System.Diagnostics;
using Dtx.Campaign.Documents;

namespace Dtx.Campaign.Benchmarks;

/// <summary>Scenario 4: Certificates of Merit as PDF (embedded fonts, QR code): rate, one by one and in one document, and peak memory.</summary>
internal static class CertificatesBenchmark
{
    public static Task RunAsync(string[] args)
    {
        var count = Bench.Option(args, "count", 1000);
        CertificateOfMerit Certificate(int i) => Samples.Certificate with { Serial = $"BK-2025-{i:D4}", Awardee = $"UBND xã Mẫu {i}" };
        CertificatePdfWriter.Write(Certificate(0));   // warm-up: fonts, JIT
        var before = GC.GetTotalAllocatedBytes();
        var watch = Stopwatch.StartNew();
        long bytes = 0;
        for (var i = 0; i < count; i++)
            bytes += CertificatePdfWriter.Write(Certificate(i)).Length;
        var oneByOne = watch.Elapsed.TotalMilliseconds;
        var allocated = GC.GetTotalAllocatedBytes() - before;
        watch.Restart();
        var all = CertificatePdfWriter.WriteMany(Enumerable.Range(0, count).Select(Certificate));
        var together = watch.Elapsed.TotalMilliseconds;
        using var process = Process.GetCurrentProcess();
        Bench.Print($"certificates: {count} PDFs",
            ("one file each", $"{count / (oneByOne / 1000):0.0} PDFs/s ({Bench.Ms(oneByOne)}, {bytes / count / 1024.0:0} KB each)"),
            ("all in one file (the batch job)", $"{count / (together / 1000):0.0} pages/s ({Bench.Ms(together)}, {all.Length / 1024.0 / 1024:0.0} MB)"),
            ("allocated per certificate", $"{allocated / count / 1024.0:0} KB"),
            ("peak working set", $"{process.PeakWorkingSet64 / 1024.0 / 1024:0} MB"));
        return Task.CompletedTask;
    }
}
