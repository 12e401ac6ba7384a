using System;
using System.IO;
using System.Threading.Tasks;
using PuppeteerSharp;

namespace IpcBridge.Tests.Web;

/// <summary>
/// The system's Chromium (the Debian package <c>chromium</c>), driven by PuppeteerSharp through
/// <see cref="PuppeteerSharp.LaunchOptions.ExecutablePath"/>: never a downloaded browser. One browser serves every browser test; each
/// test opens its own pages.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    /// <summary>Set to 1 (as .ci/run does) to make a missing browser a failure instead of a skip.</summary>
    public const string RequireVariable = "IPCBRIDGE_REQUIRE_BROWSER";

    /// <summary>Set to a Chromium or Chrome executable to use that one.</summary>
    public const string PathVariable = "IPCBRIDGE_CHROMIUM";

    /// <summary>The name the DNS rebinding test uses: Chromium resolves it to 127.0.0.1.</summary>
    public const string ReboundHost = "rebound.test";

    public const string HowToGetOne = "No Chromium found: install it (Debian/Ubuntu: apt-get install chromium) or set "
        + PathVariable + " to a Chromium or Chrome executable. .ci/run installs it and makes a missing browser a failure.";

    private string? profile;
    private IBrowser? browser;

    /// <summary>Gets the browser's path, or null when there is none.</summary>
    public static string? ExecutablePath
    {
        get
        {
            string? configured = Environment.GetEnvironmentVariable(PathVariable);
            if (!string.IsNullOrEmpty(configured))
            {
                return File.Exists(configured) ? configured : null;
            }

            foreach (string candidate in new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" })
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }
    }

    /// <summary>Gets whether a missing browser must fail the tests.</summary>
    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) is "1" or "true";

    public IBrowser Browser => this.browser ?? throw new InvalidOperationException(HowToGetOne);

    public async Task InitializeAsync()
    {
        string? executable = ExecutablePath;
        if (executable is null)
        {
            // Without a browser the tests are skipped (BrowserFact), or fail with HowToGetOne when it is required.
            return;
        }

        this.profile = Path.Combine(Path.GetTempPath(), "ipcbridge-tests-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(this.profile);
        this.browser = await Puppeteer.LaunchAsync(new PuppeteerSharp.LaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            UserDataDir = this.profile,
            Timeout = 60_000,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",

                // PuppeteerSharp joins the arguments into one command line: the quotes keep the rule one argument.
                $"--host-resolver-rules=\"MAP {ReboundHost} 127.0.0.1\"",
            ],
        });
    }

    public async Task DisposeAsync()
    {
        if (this.browser is not null)
        {
            await this.browser.CloseAsync();
            this.browser.Dispose();
        }

        if (this.profile is not null)
        {
            try
            {
                Directory.Delete(this.profile, recursive: true);
            }
            catch (IOException)
            {
                // Chromium's helpers may hold a file for a moment after it closed.
            }
        }
    }
}

/// <summary>Every browser test class is in this collection: one browser, tests one after another.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserTestGroup : ICollectionFixture<ChromiumFixture>
{
    public const string Name = "Browser";
}

/// <summary>A test that needs Chromium: skipped with a message saying how to get one, unless a browser is required.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (ChromiumFixture.ExecutablePath is null)
        {
            if (!ChromiumFixture.Required)
            {
                this.Skip = ChromiumFixture.HowToGetOne;
            }
        }
    }
}
