using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using IpcBridge.Stress;

// The stress command: hostile frames, killed children, a long soak and attach/detach churn against a live main.
//   IpcBridge.Stress [--quick] [fuzz] [kill] [soak] [churn]     (no section named: all four)
//   IpcBridge.Stress kill=200                                   (a section with a count of its own)
//   IpcBridge.Stress child                                      (a launched child endpoint; see ChildRole)
// Exits 0 when every check held, 1 when one failed, 2 on bad arguments.
if (args.Length > 0 && args[0] == "child")
{
    return await ChildRole.RunAsync();
}

bool quick = args.Contains("--quick");
string[] known = { "fuzz", "kill", "soak", "churn" };

// A section may be given a count of its own: kill=200 launches 200 children, fuzz=50000 sends 50,000 frames.
var counts = new Dictionary<string, long>();
var sections = new List<string>();
foreach (string arg in args.Where(a => a != "--quick"))
{
    string[] parts = arg.Split('=', 2);
    if (!known.Contains(parts[0]) || (parts.Length == 2 && !long.TryParse(parts[1], out _)))
    {
        Console.Error.WriteLine($"unknown argument: {arg}; usage: IpcBridge.Stress [--quick] [fuzz[=frames]] [kill[=children]] [soak[=messages]] [churn[=cycles]]");
        return 2;
    }

    sections.Add(parts[0]);
    if (parts.Length == 2)
    {
        counts[parts[0]] = long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}

if (sections.Count == 0)
{
    sections.AddRange(known);
}

long Count(string section, long quickCount, long fullCount) => counts.TryGetValue(section, out long n) ? n : quick ? quickCount : fullCount;

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
            "fuzz" => await Fuzz.RunAsync(Fuzz.Settings.Quick with { Frames = Count("fuzz", 20_000, 1_000_000) }),
            "kill" => await KillStorm.RunAsync((int)Count("kill", 24, 1000)),
            "soak" => await Soak.RunAsync(Count("soak", 300_000, 10_000_000)),
            _ => await Churn.RunAsync((int)Count("churn", 400, 10_000)),
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
