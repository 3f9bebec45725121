using System.Text.RegularExpressions;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>
/// Athena maps CSV fields to columns by position and Parquet columns by name and type: the columns
/// the C# transformation writes must be the columns the stack declares in Glue
/// (infra/catalog/tables.ts), in the same order, with the same types.
/// </summary>
public partial class CatalogContractTests
{
    [Fact]
    public void Every_table_the_transformation_writes_has_the_columns_and_types_the_Glue_catalog_declares_in_order()
    {
        var declared = GlueTables(File.ReadAllText(Path.Combine(RepositoryPaths.Infra, "catalog", "tables.ts")));

        Assert.Equal(TableNames.Published.Order(StringComparer.Ordinal), declared.Keys.Order(StringComparer.Ordinal));
        foreach (var table in TableNames.Published)
        {
            Assert.Equal(TableNames.Columns[table].Select(c => $"{c.Name}:{GlueType(c.Type)}"), declared[table]);
        }
    }

    /// <summary>Reads <c>name: "songs", ... columns: [ column("song_id", ...), ... ]</c> from the TypeScript source.</summary>
    private static Dictionary<string, List<string>> GlueTables(string source)
    {
        var tables = new Dictionary<string, List<string>>();
        foreach (Match table in TablePattern().Matches(source))
        {
            tables[table.Groups["name"].Value] = ColumnPattern().Matches(table.Groups["columns"].Value)
                .Select(c => $"{c.Groups[1].Value}:{c.Groups[2].Value}").ToList();
        }
        return tables;
    }

    [GeneratedRegex("""name:\s*"(?<name>[a-z_]+)",[^\[]*?columns:\s*\[(?<columns>.*?)\n\s*\]""", RegexOptions.Singleline)]
    private static partial Regex TablePattern();

    private static string GlueType(ColumnType type) => type switch
    {
        ColumnType.WholeNumber => "int",
        ColumnType.Boolean => "boolean",
        _ => "string",
    };

    [GeneratedRegex("""column\("([a-z_]+)",\s*"([a-z]+)""")]
    private static partial Regex ColumnPattern();
}
