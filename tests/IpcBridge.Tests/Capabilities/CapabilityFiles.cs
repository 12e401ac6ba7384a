using System.IO;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IpcBridge.Tests.Capabilities;

/// <summary>Capability files for tests: configuration from JSON text, and a container whose main is granted from it.</summary>
internal static class CapabilityFiles
{
    public static IConfigurationRoot Json(string json)
        => new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();

    public static ServiceProvider Provider(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddIpcBridge().AddCapabilities(configuration.GetSection("IpcBridge"));
        return services.BuildServiceProvider();
    }

    public static ServiceProvider Provider(string json) => Provider(Json(json));
}
