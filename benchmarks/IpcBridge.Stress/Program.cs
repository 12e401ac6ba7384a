using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using IpcBridge.Stress;

// The stress command: hostile frames, killed children, a long soak and attach/detach churn against a live main.
//   IpcBridge.Stress [--quick] [fuzz] [kill] [soak] [churn]     (no section named: all four)
//   IpcBridge.Stress child                                      (a launched child endpoint; see ChildRole)
// Exits 0 when every check held, 1 when one failed, 2 on bad arguments.
if (args.Length > 0 && args[0] == "child")
{
    return await ChildRole.RunAsync();
}

bool quick = args.Contains("--quick");
string[] known = { "fuzz", "kill", "soak", "churn" };
string[] unknown = args.Where(a => a != "--quick" && !known.Contains(a)).ToArray();
if (unknown.Length > 0)
{
    Console.Error.WriteLine($"unknown argument(s): {string.Join(" ", unknown)}; usage: IpcBridge.Stress [--quick] [fuzz] [kill] [soak] [churn]");
    return 2;
}

string[] sections = args.Where(known.Contains).ToArray();
if (sections.Length == 0)
{
    sections = known;
}

var watch = UnobservedWatch.Start();
var results = new List<StressResult>();
Console.WriteLine($"IpcBridge stress, {(quick ? "quick" : "full")} mode, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
foreach (string section in sections)
{
    Console.WriteLine($"\n== {section}");
    var clock = Stopwatch.StartNew();
    StressResult result;
    try
    {
        result = section switch
        {
            "fuzz" => await Fuzz.RunAsync(quick ? Fuzz.Settings.Quick : Fuzz.Settings.Full),
            "kill" => await KillStorm.RunAsync(quick ? 24 : 1000),
            "soak" => await Soak.RunAsync(quick ? 300_000 : 10_000_000),
            _ => await Churn.RunAsync(quick ? 400 : 10_000),
        };
    }
    catch (Exception ex)
    {
        result = new StressResult(section);
        result.Fail($"threw {ex}");
    }

    watch.CheckInto(result);
    result.Figures["seconds"] = clock.Elapsed.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
    results.Add(result);
    result.Print();
}

Console.WriteLine();
foreach (StressResult r in results)
{
    Console.WriteLine($"{(r.Failures.Count == 0 ? "PASS" : "FAIL")} {r.Name}");
}

return results.All(r => r.Failures.Count == 0) ? 0 : 1;
