using System.Text.RegularExpressions;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>
/// Athena maps CSV fields to columns by position: the columns the C# transformation writes must be
/// the columns the stack declares in Glue (infra/catalog/tables.ts), in the same order.
/// </summary>
public partial class CatalogContractTests
{
    [Fact]
    public void Every_table_the_transformation_writes_has_the_columns_the_Glue_catalog_declares_in_order()
    {
        var declared = GlueTables(File.ReadAllText(Path.Combine(RepositoryPaths.Infra, "catalog", "tables.ts")));

        Assert.Equal(TableNames.Published.Order(StringComparer.Ordinal), declared.Keys.Order(StringComparer.Ordinal));
        foreach (var table in TableNames.Published)
        {
            Assert.Equal(TableNames.Columns[table], declared[table]);
        }
    }

    /// <summary>Reads <c>name: "songs", ... columns: [ column("song_id", ...), ... ]</c> from the TypeScript source.</summary>
    private static Dictionary<string, List<string>> GlueTables(string source)
    {
        var tables = new Dictionary<string, List<string>>();
        foreach (Match table in TablePattern().Matches(source))
        {
            tables[table.Groups["name"].Value] = ColumnPattern().Matches(table.Groups["columns"].Value).Select(c => c.Groups[1].Value).ToList();
        }
        return tables;
    }

    [GeneratedRegex("""name:\s*"(?<name>[a-z_]+)",[^\[]*?columns:\s*\[(?<columns>.*?)\n\s*\]""", RegexOptions.Singleline)]
    private static partial Regex TablePattern();

    [GeneratedRegex("""column\("([a-z_]+)""")]
    private static partial Regex ColumnPattern();
}
