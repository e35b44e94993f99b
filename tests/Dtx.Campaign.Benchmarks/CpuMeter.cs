using System.Diagnostics;

namespace Dtx.Campaign.Benchmarks;

/// <summary>
/// CPU time spent during a measured run by this process (server and client both live here) and by the PostgreSQL
/// processes: per request it does not depend on what else the machine runs, as throughput does.
/// </summary>
internal sealed class CpuMeter
{
    private readonly TimeSpan _process = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly Dictionary<int, long> _postgres = PostgresTicks();
    private readonly long _jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
    private readonly TimeSpan _jitTime = System.Runtime.JitInfo.GetCompilationTime();
    private readonly Process? _peer;
    private readonly TimeSpan _peerStart;

    private CpuMeter(Process? peer)
    {
        _peer = peer;
        _peerStart = peer?.TotalProcessorTime ?? TimeSpan.Zero;
    }

    /// <summary>Starts measuring; <paramref name="peer"/> is a third party to measure as well (the SMTP server).</summary>
    public static CpuMeter Start(Process? peer = null) => new(peer);

    /// <summary>CPU milliseconds per request of the peer process given to <see cref="Start"/>.</summary>
    public double PeerPerRequest(int requests)
    {
        if (_peer is null)
            return 0;
        _peer.Refresh();
        return (_peer.TotalProcessorTime - _peerStart).TotalMilliseconds / requests;
    }

    /// <summary>CPU milliseconds per request: this process, PostgreSQL.</summary>
    public (double Process, double Postgres) PerRequest(int requests) =>
        ((Process.GetCurrentProcess().TotalProcessorTime - _process).TotalMilliseconds / requests, PostgresSecondsSinceStart() * 1000 / requests);

    /// <summary>Methods compiled by the JIT since the start, and the time it took: a warmed-up run compiles almost nothing.</summary>
    public (long Methods, TimeSpan Time) Jitted() =>
        (System.Runtime.JitInfo.GetCompiledMethodCount() - _jitted, System.Runtime.JitInfo.GetCompilationTime() - _jitTime);

    /// <summary>
    /// PostgreSQL's CPU since the start: per process, so that a backend that ended meanwhile (a pool cleared between runs)
    /// takes nothing away, and one that started counts whole.
    /// </summary>
    private double PostgresSecondsSinceStart() =>
        PostgresTicks().Sum(p => p.Value - _postgres.GetValueOrDefault(p.Key)) / 100.0; // USER_HZ

    /// <summary>User and system ticks of every process named postgres, by process id, from /proc (Linux; none elsewhere).</summary>
    private static Dictionary<int, long> PostgresTicks()
    {
        var ticks = new Dictionary<int, long>();
        if (!Directory.Exists("/proc"))
            return ticks;
        foreach (var dir in Directory.EnumerateDirectories("/proc").Where(d => Path.GetFileName(d).All(char.IsAsciiDigit)))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var close = stat.LastIndexOf(')');
                if (close < 0 || !stat.AsSpan(0, close).Contains("(postgres", StringComparison.Ordinal))
                    continue;
                // Fields after the command: state is field 3, utime 14, stime 15.
                var fields = stat[(close + 2)..].Split(' ');
                ticks[int.Parse(Path.GetFileName(dir), Bench.Invariant)] = long.Parse(fields[11], Bench.Invariant) + long.Parse(fields[12], Bench.Invariant);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while being read.
            }
        }
        return ticks;
    }
}
