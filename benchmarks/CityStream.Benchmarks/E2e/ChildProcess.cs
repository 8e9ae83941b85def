using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CityStream.Benchmarks.E2e;

/// <summary>Runs one process to its end (or kills it at the time limit), keeping its output and its peak resident set (VmHWM).</summary>
internal static class ChildProcess
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr, double PeakRssMb, bool TimedOut, double Seconds);

    public static async Task<Outcome> RunAsync(string file, IEnumerable<string> args, TimeSpan limit, IReadOnlyDictionary<string, string>? env = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            info.Environment[k] = v;
        }

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
        var clock = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var peakKb = 0L;
        var timedOut = false;
        var exited = process.WaitForExitAsync();
        while (!exited.IsCompleted)
        {
            peakKb = Math.Max(peakKb, ReadHighWaterKb(process.Id));
            if (clock.Elapsed > limit)
            {
                timedOut = true;
                process.Kill(entireProcessTree: true);
                break;
            }

            await Task.WhenAny(exited, Task.Delay(100)).ConfigureAwait(false);
        }

        await exited.ConfigureAwait(false);
        process.WaitForExit();
        string Text(StringBuilder b)
        {
            lock (b)
            {
                return b.ToString();
            }
        }

        return new Outcome(timedOut ? -1 : process.ExitCode, Text(stdout), Text(stderr), peakKb / 1024.0, timedOut, clock.Elapsed.TotalSeconds);
    }

    /// <summary>VmHWM of a process (its peak resident set so far), 0 when it is gone.</summary>
    public static long ReadHighWaterKb(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return 0;
    }

    /// <summary>The value of <c>name=value</c> in a peer's result line, or null.</summary>
    public static double? Field(string output, string name)
    {
        foreach (var token in output.Split([' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (token.StartsWith(name + "=", StringComparison.Ordinal)
                && double.TryParse(token.AsSpan(name.Length + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            {
                return v;
            }
        }

        return null;
    }
}
