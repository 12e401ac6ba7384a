using System;
using System.IO;

namespace IpcBridge.Tests.Web;

/// <summary>Finds files of the source tree from the test's output folder.</summary>
public static class WebPaths
{
    public static string Root
    {
        get
        {
            for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "IpcBridge.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new DirectoryNotFoundException("The source tree (IpcBridge.sln) is not above the test's output folder.");
        }
    }

    public static string Source(string relative) => Path.Combine(Root, relative);
}
