using System.Reflection;

namespace SpotifyEtl.Cli.Queries;

/// <summary>The named queries, read from the resources the build embeds (one per <c>queries/*.sql</c> file), sorted by name.</summary>
internal static class NamedQueries
{
    private const string Prefix = "queries/";

    public static IReadOnlyList<NamedQuery> All { get; } = Load();

    public static NamedQuery? Find(string name) => All.FirstOrDefault(query => query.Name == name);

    private static List<NamedQuery> Load()
    {
        var assembly = typeof(NamedQueries).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(resource => resource.StartsWith(Prefix, StringComparison.Ordinal) && resource.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(resource => NamedQuery.Parse(resource[Prefix.Length..^".sql".Length], Read(assembly, resource)))
            .ToList();
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
