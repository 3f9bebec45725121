using System.Text.RegularExpressions;
using SpotifyEtl.Cli.Queries;

namespace SpotifyEtl.Cli.Report;

/// <summary>The answers a report shows: each section's named query run once on the lake.</summary>
internal static partial class ReportAnswers
{
    [GeneratedRegex("Table with name (\\w+) does not exist")]
    private static partial Regex MissingTable();

    /// <summary>
    /// Runs each query the sections name, once; a failure is kept as the section's note instead of ending the report.
    /// <paramref name="step"/> is told of each query as it starts: its number from 1, the number of queries, its name.
    /// A query <paramref name="answered"/> holds (the demo's, answered on the same database a step before) is not run again.
    /// </summary>
    public static Dictionary<string, QueryAnswer> Collect(LakeDatabase database, IEnumerable<ReportSection> sections, Func<string, NamedQuery?>? find = null,
        Action<int, int, string>? step = null, IReadOnlyDictionary<string, QueryResult>? answered = null)
    {
        find ??= NamedQueries.Find;
        var answers = new Dictionary<string, QueryAnswer>(StringComparer.Ordinal);
        var names = sections.Select(s => s.Query).Distinct(StringComparer.Ordinal).ToList();
        var toRun = names.Count(name => answered?.ContainsKey(name) != true);
        var run = 0;
        foreach (var name in names)
        {
            if (answered?.GetValueOrDefault(name) is { } known)
            {
                answers[name] = new QueryAnswer(known, null);
                continue;
            }
            step?.Invoke(++run, toRun, name);
            var query = find(name);
            if (query is null)
            {
                answers[name] = new QueryAnswer(null, $"This build of spotify-etl has no named query '{name}' (queries/{name}.sql).");
                continue;
            }
            try
            {
                answers[name] = new QueryAnswer(database.Run(query), null);
            }
            catch (QueryFailedException exception)
            {
                var missing = MissingTable().Match(exception.Message);
                answers[name] = new QueryAnswer(null, missing.Success
                    ? $"Needs the {missing.Groups[1].Value} table, which this lake does not have yet."
                    : exception.Message);
            }
            catch (LakeException exception)
            {
                answers[name] = new QueryAnswer(null, exception.Message, Damaged: true);
            }
        }
        // A value found damaged by a later query was read by the answers before it too: they are not shown either.
        foreach (var name in answers.Where(a => a.Value.Result is not null).Select(a => a.Key).ToList())
        {
            if (database.Damage(find(name)!.Sql) is { } damage)
            {
                answers[name] = new QueryAnswer(null, damage.Message, Damaged: true);
            }
        }
        return answers;
    }
}
