using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace IpcBridge.Hosting;

/// <summary>Tells the options monitor that a configuration section the capabilities were read from was reloaded.</summary>
internal sealed class ConfigurationChangeSource : IOptionsChangeTokenSource<IpcCapabilityOptions>
{
    private readonly IConfiguration configuration;

    public ConfigurationChangeSource(IConfiguration configuration) => this.configuration = configuration;

    public string Name => Options.DefaultName;

    public IChangeToken GetChangeToken() => this.configuration.GetReloadToken();
}
