// Checks every package in a folder as a user of it would need it to be:
// - the readme its nuspec names is in it;
// - every lib/<tfm>/<name>.dll has its XML documentation beside it, and its .snupkg holds lib/<tfm>/<name>.pdb, a
//   portable PDB whose id is the one the assembly names (the debugger would refuse another);
// - no file holds the path of the checkout it was built in (PDB documents are mapped, the assembly names no local PDB);
// - a repository URL in the nuspec is a public https URL, and then every PDB carries Source Link.
// Usage: PackageCheck PACKAGES_DIR CHECKOUT_ROOT
using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Xml.Linq;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: PackageCheck PACKAGES_DIR CHECKOUT_ROOT");
    return 2;
}

string folder = args[0];
string checkoutRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(args[1]));
var sourceLinkKind = new Guid("CC110556-A091-4D38-9FEC-25AB9A351A6A");
var problems = new List<string>();

string[] packages = Directory.GetFiles(folder, "*.nupkg");
if (packages.Length == 0)
{
    Console.Error.WriteLine($"error: no .nupkg in {folder}");
    return 1;
}

foreach (string packagePath in packages.Order(StringComparer.Ordinal))
{
    CheckPackage(packagePath);
}

foreach (string problem in problems)
{
    Console.Error.WriteLine($"error: {problem}");
}

return problems.Count == 0 ? 0 : 1;

void CheckPackage(string packagePath)
{
    string name = Path.GetFileName(packagePath);
    string symbolsPath = Path.ChangeExtension(packagePath, ".snupkg");
    using ZipArchive package = ZipFile.OpenRead(packagePath);
    using ZipArchive? symbols = File.Exists(symbolsPath) ? ZipFile.OpenRead(symbolsPath) : null;
    if (symbols is null)
    {
        problems.Add($"{name}: no symbol package {Path.GetFileName(symbolsPath)} beside it");
    }

    XNamespace ns;
    XElement metadata = ReadNuspec(package, out ns);
    string? readme = metadata.Element(ns + "readme")?.Value;
    if (readme is null || package.GetEntry(readme) is null)
    {
        problems.Add($"{name}: the readme '{readme}' that its nuspec names is not in it");
    }

    string? repositoryUrl = metadata.Element(ns + "repository")?.Attribute("url")?.Value;
    if (repositoryUrl is not null && !repositoryUrl.StartsWith("https://", StringComparison.Ordinal))
    {
        problems.Add($"{name}: the repository URL '{repositoryUrl}' is not a public https URL");
    }

    CheckNoCheckoutPath(name, package);
    if (symbols is not null)
    {
        CheckNoCheckoutPath(Path.GetFileName(symbolsPath), symbols);
    }

    var assemblies = package.Entries.Where(e => e.FullName.StartsWith("lib/", StringComparison.Ordinal) && e.FullName.EndsWith(".dll", StringComparison.Ordinal)).ToList();
    if (assemblies.Count == 0)
    {
        problems.Add($"{name}: no assembly under lib/");
    }

    foreach (ZipArchiveEntry assembly in assemblies)
    {
        string stem = assembly.FullName[..^".dll".Length];
        if (package.GetEntry(stem + ".xml") is null)
        {
            problems.Add($"{name}: {assembly.FullName} has no XML documentation ({stem}.xml)");
        }

        ZipArchiveEntry? pdb = symbols?.GetEntry(stem + ".pdb");
        if (symbols is not null && pdb is null)
        {
            problems.Add($"{Path.GetFileName(symbolsPath)}: no {stem}.pdb for {assembly.FullName}");
        }

        if (pdb is not null)
        {
            CheckSymbols(name, assembly, pdb, repositoryUrl is not null);
        }
    }

    Console.WriteLine($"{name}: {assemblies.Count} assemblies, readme {readme}, symbols {(symbols is null ? "missing" : Path.GetFileName(symbolsPath))}, "
        + (repositoryUrl is null ? "no repository URL (the build knew no public git remote), so no Source Link" : $"repository {repositoryUrl}, Source Link"));
}

XElement ReadNuspec(ZipArchive package, out XNamespace ns)
{
    ZipArchiveEntry entry = package.Entries.Single(e => !e.FullName.Contains('/') && e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
    using Stream stream = entry.Open();
    XElement root = XDocument.Load(stream).Root!;
    ns = root.Name.Namespace;
    return root.Element(ns + "metadata")!;
}

void CheckNoCheckoutPath(string name, ZipArchive archive)
{
    byte[] needle = Encoding.UTF8.GetBytes(checkoutRoot);
    foreach (ZipArchiveEntry entry in archive.Entries)
    {
        if (ReadAll(entry).AsSpan().IndexOf(needle) >= 0)
        {
            problems.Add($"{name}: {entry.FullName} holds the build's checkout path {checkoutRoot}");
        }
    }
}

void CheckSymbols(string name, ZipArchiveEntry assembly, ZipArchiveEntry pdb, bool sourceLinkExpected)
{
    using var pe = new PEReader(new MemoryStream(ReadAll(assembly)));
    DebugDirectoryEntry? codeView = pe.ReadDebugDirectory().Where(d => d.Type == DebugDirectoryEntryType.CodeView).Select(d => (DebugDirectoryEntry?)d).FirstOrDefault();
    if (codeView is null)
    {
        problems.Add($"{name}: {assembly.FullName} names no PDB");
        return;
    }

    CodeViewDebugDirectoryData named = pe.ReadCodeViewDebugDirectoryData(codeView.Value);
    using MetadataReaderProvider provider = MetadataReaderProvider.FromPortablePdbStream(new MemoryStream(ReadAll(pdb)));
    MetadataReader reader = provider.GetMetadataReader();
    var pdbGuid = new Guid(reader.DebugMetadataHeader!.Id.AsSpan(0, 16));
    if (pdbGuid != named.Guid)
    {
        problems.Add($"{name}: {pdb.FullName} is not the PDB of {assembly.FullName} (id {pdbGuid}, the assembly names {named.Guid})");
    }

    foreach (DocumentHandle handle in reader.Documents)
    {
        string document = reader.GetString(reader.GetDocument(handle).Name);
        if (document.StartsWith(checkoutRoot, StringComparison.Ordinal))
        {
            problems.Add($"{name}: {pdb.FullName} names the source file {document} by its path in the build's checkout");
            break;
        }
    }

    bool hasSourceLink = reader.GetCustomDebugInformation(EntityHandle.ModuleDefinition)
        .Any(h => reader.GetGuid(reader.GetCustomDebugInformation(h).Kind) == sourceLinkKind);
    if (sourceLinkExpected && !hasSourceLink)
    {
        problems.Add($"{name}: {pdb.FullName} has no Source Link, though the nuspec names the repository");
    }
}

static byte[] ReadAll(ZipArchiveEntry entry)
{
    using Stream stream = entry.Open();
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    return copy.ToArray();
}
