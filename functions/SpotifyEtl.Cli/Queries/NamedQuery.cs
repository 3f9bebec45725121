namespace SpotifyEtl.Cli.Queries;

/// <summary>
/// One analytics question: a <c>queries/*.sql</c> file, whose first line is <c>-- Question: ...?</c> and
/// whose next comment lines say how it answers. The same text is an Athena named query and a Snowflake view.
/// </summary>
internal sealed record NamedQuery(string Name, string Question, string Description, string Sql)
{
    private const string QuestionPrefix = "-- Question:";

    public static NamedQuery Parse(string name, string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        if (!lines[0].StartsWith(QuestionPrefix, StringComparison.Ordinal))
        {
            throw new FormatException($"Query {name}: the first line must be '{QuestionPrefix} ...'.");
        }
        var description = string.Join(' ', lines.Skip(1).TakeWhile(line => line.StartsWith("--", StringComparison.Ordinal)).Select(line => line[2..].Trim()));
        return new NamedQuery(name, lines[0][QuestionPrefix.Length..].Trim(), description.Trim(), text.Trim().TrimEnd(';'));
    }
}
