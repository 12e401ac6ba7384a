using System.Collections.Generic;
using Microsoft.Extensions.Options;

namespace IpcBridge.Hosting;

/// <summary>
/// Validates <see cref="IpcCapabilityOptions"/> whenever the options are made (at startup with <c>ValidateOnStart</c>,
/// and again after each configuration change): every failure starts with the configuration key it is about.
/// </summary>
internal sealed class CapabilityOptionsValidator : IValidateOptions<IpcCapabilityOptions>
{
    public ValidateOptionsResult Validate(string? name, IpcCapabilityOptions options)
    {
        var problems = new List<string>();
        IpcCapabilityPolicy policy = IpcCapabilityPolicy.Compile(options, problems);
        if (problems.Count > 0)
        {
            return ValidateOptionsResult.Fail(problems);
        }

        options.Compiled = policy;
        return ValidateOptionsResult.Success;
    }
}
