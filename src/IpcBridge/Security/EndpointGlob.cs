namespace IpcBridge;

/// <summary>Endpoint name patterns of capability files: exact names, or globs in which <c>*</c> stands for any run of characters.</summary>
internal static class EndpointGlob
{
    /// <summary>Gets a value indicating whether <paramref name="pattern"/> matches the endpoint name <paramref name="name"/> (ordinal).</summary>
    public static bool Matches(string pattern, string? name) => Overlaps(pattern, EscapeStars(name ?? string.Empty));

    /// <summary>
    /// Gets a value indicating whether some endpoint name matches both patterns: the check behind "this capability matches
    /// a declared endpoint name" when a declared name is itself a glob (<c>"settings-*"</c> against <c>"settings-a*"</c>).
    /// </summary>
    public static bool Overlaps(string first, string second)
    {
        // known[i, j]: 0 unknown, 1 no, 2 yes, for the suffixes first[i..] and second[j..]. A star is memoryless, so a
        // star that has produced some characters is in the same state as one that has produced none.
        var known = new byte[first.Length + 1, second.Length + 1];
        return Overlaps(first, 0, second, 0, known);
    }

    private static bool Overlaps(string a, int i, string b, int j, byte[,] known)
    {
        if (known[i, j] != 0)
        {
            return known[i, j] == 2;
        }

        bool result;
        if (i == a.Length && j == b.Length)
        {
            result = true;
        }
        else if (i < a.Length && a[i] == Star)
        {
            // a's star produces nothing more, or it produces the next character of b (b's own star producing nothing).
            result = Overlaps(a, i + 1, b, j, known) || (j < b.Length && Overlaps(a, i, b, j + 1, known));
        }
        else if (j < b.Length && b[j] == Star)
        {
            result = Overlaps(a, i, b, j + 1, known) || (i < a.Length && Overlaps(a, i + 1, b, j, known));
        }
        else
        {
            result = i < a.Length && j < b.Length && a[i] == b[j] && Overlaps(a, i + 1, b, j + 1, known);
        }

        known[i, j] = result ? (byte)2 : (byte)1;
        return result;
    }

    // An endpoint's own name is literal: a '*' in it matches only a pattern's '*', so it is mapped to a character no
    // pattern holds, which a pattern's '*' still matches.
    private static string EscapeStars(string name) => name.IndexOf(Star) < 0 ? name : name.Replace(Star, '\uFFFF');

    private const char Star = '*';
}
