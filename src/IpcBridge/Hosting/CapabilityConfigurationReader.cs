using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.Configuration;

namespace IpcBridge.Hosting;

/// <summary>
/// Reads capabilities from a configuration section into <see cref="IpcCapabilityOptions"/>, by hand rather than with the
/// reflection binder, so it stays trim- and AOT-safe and can name the exact key of every mistake it finds.
/// </summary>
internal static class CapabilityConfigurationReader
{
    private static readonly string[] CapabilitySettings = ["Description", "Endpoints", "Kind", "Channels", "Contracts"];

    private static readonly Dictionary<string, IpcOperation> Operations = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Send"] = IpcOperation.Send,
        ["SendSync"] = IpcOperation.SendSync,
        ["Invoke"] = IpcOperation.Invoke,
        ["Receive"] = IpcOperation.Receive,
        ["Ports"] = IpcOperation.Ports,
        ["Handle"] = IpcOperation.Handle,
        ["All"] = IpcOperation.All,
    };

    /// <summary>Adds the capabilities and declared endpoint names of <paramref name="section"/> to <paramref name="options"/>.</summary>
    public static void Read(IConfiguration section, IpcCapabilityOptions options)
    {
        IConfigurationSection names = section.GetSection("EndpointNames");
        if (names.Exists())
        {
            options.EndpointNamesPath ??= names.Path;
            foreach (string name in ReadList(names, options.ReadProblems))
            {
                options.EndpointNames.Add(name);
            }
        }

        IConfigurationSection capabilities = section.GetSection("Capabilities");
        if (!string.IsNullOrEmpty(capabilities.Value))
        {
            options.ReadProblems.Add($"{capabilities.Path}: expected capabilities by name, each an object with {string.Join(", ", CapabilitySettings)}.");
            return;
        }

        foreach (IConfigurationSection entry in capabilities.GetChildren())
        {
            if (options.Capabilities.TryGetValue(entry.Key, out IpcCapability? earlier))
            {
                options.ReadProblems.Add($"{entry.Path}: a capability named '{entry.Key}' is already defined{(earlier?.Path is { } at ? $" at {at}" : " by code")}.");
                continue;
            }

            options.Capabilities[entry.Key] = ReadCapability(entry, options.ReadProblems);
        }
    }

    private static IpcCapability ReadCapability(IConfigurationSection entry, List<string> problems)
    {
        var capability = new IpcCapability { Path = entry.Path };
        if (!string.IsNullOrEmpty(entry.Value))
        {
            problems.Add($"{entry.Path}: a capability is an object with {string.Join(", ", CapabilitySettings)}, not a value.");
            return capability;
        }

        foreach (IConfigurationSection setting in entry.GetChildren())
        {
            switch (CapabilitySettings.FirstOrDefault(s => string.Equals(s, setting.Key, StringComparison.OrdinalIgnoreCase)))
            {
                case "Description":
                    capability.Description = setting.Value;
                    break;
                case "Endpoints":
                    foreach (string pattern in ReadList(setting, problems))
                    {
                        capability.Endpoints.Add(pattern);
                    }

                    break;
                case "Kind":
                    capability.Kind = ReadKind(setting, problems);
                    break;
                case "Channels":
                    ReadGrants(setting, capability.Channels, problems);
                    break;
                case "Contracts":
                    ReadGrants(setting, capability.Contracts, problems);
                    break;
                default:
                    problems.Add($"{setting.Path}: '{setting.Key}' is not a capability setting; use {string.Join(", ", CapabilitySettings)}.");
                    break;
            }
        }

        return capability;
    }

    private static EndpointKind? ReadKind(IConfigurationSection setting, List<string> problems)
    {
        string? value = setting.Value?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        foreach (EndpointKind kind in new[] { EndpointKind.Window, EndpointKind.Work, EndpointKind.Main })
        {
            if (string.Equals(value, kind.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                // Main is a kind, but not one a capability applies to: validation says so.
                return kind;
            }
        }

        problems.Add($"{setting.Path}: '{value}' is not an endpoint kind; use Window or Work, or leave Kind out for both.");
        return null;
    }

    private static void ReadGrants(IConfigurationSection section, IDictionary<IpcOperation, IList<string>> grants, List<string> problems)
    {
        if (!string.IsNullOrEmpty(section.Value))
        {
            problems.Add($"{section.Path}: list the patterns per operation, as in \"{section.Key}\": {{ \"Invoke\": [ \"files:*\" ] }}.");
            return;
        }

        foreach (IConfigurationSection child in section.GetChildren())
        {
            if (!Operations.TryGetValue(child.Key, out IpcOperation operation))
            {
                problems.Add($"{child.Path}: '{child.Key}' is not an operation; use Send, SendSync, Invoke, Receive, Ports, Handle or All.");
                continue;
            }

            if (!grants.TryGetValue(operation, out IList<string>? patterns))
            {
                patterns = new List<string>();
                grants[operation] = patterns;
            }

            foreach (string pattern in ReadList(child, problems))
            {
                patterns.Add(pattern);
            }
        }
    }

    /// <summary>Reads an array of strings (or a single string, as an environment variable gives it).</summary>
    private static List<string> ReadList(IConfigurationSection section, List<string> problems)
    {
        var values = new List<string>();
        if (section.Value is { Length: > 0 } single)
        {
            values.Add(single);
            return values;
        }

        foreach (IConfigurationSection item in section.GetChildren())
        {
            if (item.GetChildren().Any())
            {
                problems.Add($"{item.Path}: expected a string, found an object or array.");
                continue;
            }

            // An empty string stays, so validation reports it as an empty pattern under its key.
            values.Add(item.Value ?? string.Empty);
        }

        return values;
    }
}
