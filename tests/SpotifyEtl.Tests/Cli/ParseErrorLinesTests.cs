using System.CommandLine;
using SpotifyEtl.Cli.Commands;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// A refused command line gets one line per mistake, never the parser's consequences of it: the value after a mistyped
/// option is not a second unknown word, the option it meant is not missing, and the words after a mistyped verb are not
/// judged at all. No line is the parser's own wording ("Unrecognized command or argument", "Option '--lake' is required").
/// </summary>
public sealed class ParseErrorLinesTests
{
    private const string Value = "/tmp/somewhere-else";

    /// <summary>Every command that does work (no verbs below it), with its path of words.</summary>
    private static IEnumerable<(string[] Path, Command Command)> Leaves(Command root, string[] path) =>
        TypoSuggestionTests.Commands(root, path).Where(c => c.Command.Subcommands.Count == 0);

    private static IEnumerable<Option> NamedOptions(Command command) =>
        command.Options.Where(o => !o.Hidden && o.Name.StartsWith("--", StringComparison.Ordinal));

    /// <summary>One edit past the dashes: a letter dropped, changed or doubled.</summary>
    private static string Typo(string name, Random random)
    {
        var dashes = name.Length - name.TrimStart('-').Length;
        var body = name[dashes..];
        var at = random.Next(body.Length);
        var typo = random.Next(3) switch
        {
            0 when body.Length > 3 => body.Remove(at, 1),
            1 => body[..at] + (body[at] == 'q' ? 'x' : 'q') + body[(at + 1)..],
            _ => body.Insert(at, body[at].ToString()),
        };
        return name[..dashes] + typo;
    }

    private static void AssertNoParserWording(IReadOnlyList<string> lines, string commandLine)
    {
        Assert.NotEmpty(lines);
        Assert.DoesNotContain(lines, line =>
            line.StartsWith("Unrecognized command or argument", StringComparison.Ordinal) || line.StartsWith("Option '", StringComparison.Ordinal) ||
            line.StartsWith("Required argument missing", StringComparison.Ordinal) || line.StartsWith("Required command", StringComparison.Ordinal));
        Assert.True(lines.Count == lines.Distinct(StringComparer.Ordinal).Count(), $"{commandLine}: a line repeated: {string.Join(" | ", lines)}");
    }

    [Fact]
    public void An_option_of_one_value_written_again_without_one_is_refused_as_one_written_twice_with_two()
    {
        // "--lake a --lake", as a script writes it when the variable after the second --lake is empty: the parser took the
        // first value and said nothing, and the verb ran on a folder the script did not mean.
        var tried = AssertWrittenAgainWithoutAValueIsRefused(o => o.Arity.MaximumNumberOfValues == 1 && o.ValueType != typeof(bool),
            option => $"{option.Name} takes one value");
        Assert.True(tried >= 20, $"only {tried} options of one value");
    }

    [Fact]
    public void A_repeatable_option_written_again_without_a_value_is_refused_saying_each_needs_one()
    {
        // "--playlist A --playlist", a script's empty variable at the end of the line: the parser counted one value as enough.
        var tried = AssertWrittenAgainWithoutAValueIsRefused(o => o.Arity.MaximumNumberOfValues > 1 && !o.AllowMultipleArgumentsPerToken,
            option => $"{option.Name} is written 2 times with 1 value: each needs its value");
        Assert.True(tried >= 4, $"only {tried} repeatable options");
    }

    /// <summary>
    /// Every option of every verb that <paramref name="which"/> picks, written with a value and again with none (at the end
    /// of the line, or before "--"), is refused with a line starting as <paramref name="told"/> says; how many were tried.
    /// </summary>
    private static int AssertWrittenAgainWithoutAValueIsRefused(Func<Option, bool> which, Func<Option, string> told)
    {
        var tried = 0;
        foreach (var (path, command) in Leaves(CliRoot.Create(), []))
        {
            foreach (var option in NamedOptions(command).Where(which))
            {
                string[][] repeated = [[option.Name, Value, option.Name], [option.Name, Value, option.Name, "--"]];
                foreach (var words in repeated)
                {
                    var commandLine = string.Join(' ', [.. path, .. words]);
                    var parsed = CliRoot.Create().Parse([.. path, .. words]);
                    Assert.True(parsed.Errors.Count > 0, $"{commandLine} was accepted");
                    var lines = ParseErrors.Lines(parsed);
                    AssertNoParserWording(lines, commandLine);
                    Assert.Contains(lines, line => line.StartsWith(told(option), StringComparison.Ordinal));
                }
                tried++;
            }
        }
        return tried;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_mistyped_option_with_its_value_is_one_line_and_the_option_it_meant_is_not_reported_missing(int seed)
    {
        var random = new Random(seed);
        var root = CliRoot.Create();
        var tried = 0;
        foreach (var (path, command) in Leaves(root, []))
        {
            var names = NamedOptions(command).Select(o => o.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var option in NamedOptions(command))
            {
                var typo = Typo(option.Name, random);
                if (names.Contains(typo) || Suggestion.For(typo, names) is not [var meant] || meant != option.Name)
                {
                    continue;
                }
                // A flag's typo stands alone: a word after it would be a mistake of its own (tested below).
                var flag = option.ValueType == typeof(bool);
                foreach (var written in flag ? new[] { new[] { typo } } : [[typo, Value], [$"{typo}={Value}"]])
                {
                    string[] arguments = [.. path, .. written];
                    var lines = ParseErrors.Lines(root.Parse(arguments));
                    var commandLine = string.Join(' ', arguments);
                    AssertNoParserWording(lines, commandLine);
                    Assert.Equal($"'{typo}' is unknown here: did you mean '{option.Name}'?", Assert.Single(lines, line => line.Contains(typo, StringComparison.Ordinal)));
                    Assert.DoesNotContain(lines, line => line.Contains(Value, StringComparison.Ordinal));
                    Assert.DoesNotContain(lines, line => line.Contains($"needs {option.Name}", StringComparison.Ordinal));
                    tried++;
                }
            }
        }
        Assert.True(tried > 20, $"only {tried} typos were tried");
    }

    [Fact]
    public void An_option_written_with_one_dash_or_by_its_first_letter_is_one_line_naming_it_and_is_not_reported_missing()
    {
        var root = CliRoot.Create();
        var tried = 0;
        foreach (var (path, command) in Leaves(root, []))
        {
            foreach (var option in NamedOptions(command))
            {
                // "-lake" and "-l": one dash, as other tools spell their options. A letter that is an option of its own (-h) is left out.
                foreach (var word in new[] { option.Name[1..], option.Name[1..3] })
                {
                    if (command.Options.Concat(root.Options).Any(o => o.Name == word || o.Aliases.Contains(word)))
                    {
                        continue;
                    }
                    foreach (var written in option.ValueType == typeof(bool) ? new[] { new[] { word } } : [[word, Value]])
                    {
                        string[] arguments = [.. path, .. written];
                        var lines = ParseErrors.Lines(root.Parse(arguments));
                        var commandLine = string.Join(' ', arguments);
                        AssertNoParserWording(lines, commandLine);
                        var naming = lines.Where(line => line.Contains($"'{word}'", StringComparison.Ordinal)).ToList();
                        Assert.True(naming.Count == 1, $"{commandLine}: {string.Join(" | ", lines)}");
                        var line = naming[0];
                        Assert.StartsWith($"'{word}' is unknown here: did you mean ", line, StringComparison.Ordinal);
                        Assert.Contains($"'{option.Name}'", line, StringComparison.Ordinal);
                        Assert.DoesNotContain(lines, other => other.Contains(Value, StringComparison.Ordinal));
                        Assert.DoesNotContain(lines, other => other.Contains($"needs {option.Name}", StringComparison.Ordinal));
                        tried++;
                    }
                }
            }
        }
        Assert.True(tried > 40, $"only {tried} were tried");
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void A_mistyped_verb_is_the_one_line_whatever_follows_it(int seed)
    {
        var random = new Random(seed);
        var root = CliRoot.Create();
        var tried = 0;
        foreach (var (path, command) in Leaves(root, []))
        {
            var typo = Typo(path[^1], random);
            if (Suggestion.For(typo, (command.Parents.OfType<Command>().First()).Subcommands.Select(c => c.Name)) is not [var meant] || meant != path[^1])
            {
                continue;
            }
            var options = NamedOptions(command).Select(o => o.Name).Take(1 + random.Next(3));
            string[] arguments = [.. path[..^1], typo, .. options.SelectMany(o => new[] { o, Value })];
            var lines = ParseErrors.Lines(root.Parse(arguments));
            Assert.Equal([$"'{typo}' is unknown here: did you mean '{path[^1]}'?"], lines);
            tried++;
        }
        Assert.True(tried >= 4, $"only {tried} verbs were tried");
    }

    [Fact]
    public void An_option_of_a_verb_written_before_the_verb_or_without_one_names_the_verbs_that_take_it()
    {
        var root = CliRoot.Create();
        var tried = 0;
        foreach (var (path, command) in Leaves(root, []).Where(leaf => leaf.Path.Length > 1))
        {
            foreach (var option in NamedOptions(command))
            {
                // A flag takes no value: the word after it would be a mistake of its own.
                string[] value = option.ValueType == typeof(bool) ? [] : [Value];
                var lines = ParseErrors.Lines(root.Parse([.. path[..^1], option.Name, .. value]));
                Assert.Contains(lines, line => line.StartsWith($"'{option.Name}' is an option of ", StringComparison.Ordinal) && line.Contains($"'{string.Join(' ', path)}'", StringComparison.Ordinal));
                Assert.Contains($"'spotify-etl {string.Join(' ', path[..^1])}' needs a verb: ", string.Join("\n", lines), StringComparison.Ordinal);
                Assert.DoesNotContain(lines, line => line.Contains(Value, StringComparison.Ordinal));
                tried++;
            }
        }
        var atTheRoot = ParseErrors.Lines(root.Parse(["--lake", Value]));
        Assert.StartsWith("'--lake' is an option of 'demo', 'transform', ", atTheRoot[0], StringComparison.Ordinal);
        Assert.True(tried >= 5, $"only {tried} options were tried");
    }

    /// <summary>
    /// An option no verb has, written where a verb belongs ("spotify-etl -x"), is one mistake: one line names it and the verbs,
    /// where a second line said the verb was missing.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void An_option_no_verb_has_written_where_a_verb_belongs_is_one_line_naming_the_verbs(int seed)
    {
        var random = new Random(seed);
        var root = CliRoot.Create();
        var every = Leaves(root, []).SelectMany(leaf => NamedOptions(leaf.Command)).SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var group in new[] { root }.Concat(root.Subcommands.Where(c => c.Subcommands.Any(v => !v.Hidden))))
        {
            var path = group == root ? Array.Empty<string>() : [group.Name];
            for (var i = 0; i < 5; i++)
            {
                var letters = new string(Enumerable.Range(0, random.Next(1, 9)).Select(_ => (char)('a' + random.Next(26))).ToArray());
                var option = random.Next(2) == 0 ? "-" + letters[0] : "--zz" + letters;
                if (every.Contains(option) || option is "-h" or "-v")
                {
                    continue;
                }
                var lines = ParseErrors.Lines(root.Parse([.. path, option]));
                var verbs = string.Join(", ", group.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
                Assert.Equal([$"'{option}' is not an option of '{string.Join(' ', path.Prepend("spotify-etl"))}', which needs a verb: {verbs}."], lines);
            }
        }
    }

    /// <summary>
    /// What a verb's options say in its help names only options that verb takes: 'auth login --help' named a
    /// --saved-tracks-full-pass-days that 'auth login' refuses (it is extract's).
    /// </summary>
    [Fact]
    public void Every_option_a_verbs_help_names_is_one_the_verb_takes()
    {
        var root = CliRoot.Create();
        foreach (var (path, command) in Leaves(root, []))
        {
            var own = command.Options.Concat(command.Parents.OfType<Command>().SelectMany(p => p.Options.Where(o => o.Recursive)))
                .SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet(StringComparer.Ordinal);
            foreach (var option in command.Options)
            {
                var named = System.Text.RegularExpressions.Regex.Matches(option.Description ?? "", @"(?<![\w-])--[a-z][a-z0-9-]+").Select(m => m.Value);
                Assert.All(named, name => Assert.True(own.Contains(name), $"'spotify-etl {string.Join(' ', path)} --help' says of {option.Name}: {option.Description}"));
            }
        }
    }

    /// <summary>
    /// '-' given as any verb's path (a lake, an input, a sample's folder, a credentials file) is refused, saying how to name
    /// a folder '-': it was taken as one ('sample --out -' made ./-/raw). 'report --out -' writes the page to stdout.
    /// </summary>
    [Fact]
    public void A_dash_given_as_a_path_is_refused_but_where_it_means_standard_output()
    {
        var root = CliRoot.Create();
        Type[] paths = [typeof(DirectoryInfo), typeof(FileInfo), typeof(FileSystemInfo), typeof(FileSystemInfo[])];
        var tried = 0;
        foreach (var (path, command) in Leaves(root, []))
        {
            foreach (var option in NamedOptions(command).Where(o => paths.Contains(o.ValueType) || o.Name == "--lake"))
            {
                // The verb's other required options and arguments, so that the dash is the only matter.
                string[] others = [.. command.Options.Where(o => o.Required && o != option).SelectMany(o => new[] { o.Name, Value }),
                    .. command.Arguments.Where(a => a.Arity.MinimumNumberOfValues > 0).Select(_ => Value)];
                var parsed = root.Parse([.. path, option.Name, "-", .. others]);
                Assert.Empty(parsed.Errors);
                var refused = DashPath.Find(parsed);
                if (path is ["report"] && option.Name == "--out")
                {
                    Assert.Null(refused);
                }
                else
                {
                    Assert.Equal($"{option.Name} -: '-' is no standard input or output here: {option.Name} is a path. For a file or folder named '-', write ./-.", refused);
                    Assert.Null(DashPath.Find(root.Parse([.. path, option.Name, "./-", .. others])));
                }
                tried++;
            }
            foreach (var argument in command.Arguments.Where(a => paths.Contains(a.ValueType)))
            {
                string[] required = [.. command.Options.Where(o => o.Required).SelectMany(o => new[] { o.Name, Value })];
                Assert.NotNull(DashPath.Find(root.Parse([.. path, Value, "-", .. required])));
                tried++;
            }
        }
        Assert.True(tried >= 8, $"only {tried} paths were tried");
    }

    [Fact]
    public void A_sample_written_to_a_dash_exits_64_and_makes_no_folder_named_dash()
    {
        var dash = Path.Combine(Support.RepositoryPaths.Root, "-");
        try
        {
            var run = DemoCommandTests.RunCli("sample", "--out", "-", "--days", "1", "--items", "5");

            Assert.Equal(64, run.ExitCode);
            Assert.Contains("write ./-", run.Errors, StringComparison.Ordinal);
            Assert.False(Directory.Exists(dash), "a folder named '-' was made");
        }
        finally
        {
            if (Directory.Exists(dash))
            {
                Directory.Delete(dash, recursive: true);
            }
        }
    }

    [Fact]
    public void A_word_after_a_mistyped_flag_or_after_the_value_of_a_mistyped_option_is_a_mistake_of_its_own()
    {
        var root = CliRoot.Create();

        var afterFlag = ParseErrors.Lines(root.Parse(["transform", "--lake", Value, "--jsn", "extra"]));
        var afterValue = ParseErrors.Lines(root.Parse(["query", "--lake", "top_tracks", "--qurey", "top_tracks", "top_tracks"]));

        Assert.Equal(["'--jsn' is unknown here: did you mean '--json'?", "'spotify-etl transform' takes no word 'extra' here: name each value with its option."], afterFlag);
        Assert.Equal(["'--qurey' is unknown here: did you mean '--query'?", "'spotify-etl query' takes no word 'top_tracks' here: name each value with its option."], afterValue);
    }

    [Fact]
    public void A_required_option_or_argument_left_out_is_named_with_what_it_takes()
    {
        var root = CliRoot.Create();
        var tried = 0;
        foreach (var (path, command) in Leaves(root, []))
        {
            var lines = ParseErrors.Lines(root.Parse(path));
            foreach (var option in NamedOptions(command).Where(o => o.Required))
            {
                Assert.Contains($"'spotify-etl {string.Join(' ', path)}' needs {option.Name} <", lines.Single(l => l.Contains(option.Name, StringComparison.Ordinal)), StringComparison.Ordinal);
                tried++;
            }
            foreach (var argument in command.Arguments.Where(a => a.Arity.MinimumNumberOfValues > 0))
            {
                Assert.Contains($"'spotify-etl {string.Join(' ', path)}' needs <{argument.Name}>: {argument.Description}", lines);
                tried++;
            }
            if (lines.Count > 0)
            {
                AssertNoParserWording(lines, string.Join(' ', path));
            }
        }
        Assert.True(tried >= 5, $"only {tried} required options and arguments were found");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_path_whose_bytes_are_no_utf8_is_refused_by_name_and_one_that_holds_the_replacement_character_itself_is_taken(int seed)
    {
        // .NET hands a Latin-1 byte of a path on as U+FFFD: a folder the user never named. The system's bytes tell it from a
        // name that holds U+FFFD itself, valid UTF-8: every path option and argument of every verb takes that one, made or not.
        var random = new Random(seed);
        using var folder = new TempFolder();
        var tried = 0;
        foreach (var (path, command) in Leaves(CliRoot.Create(), []))
        {
            var named = NamedOptions(command).Where(o => o.Name == "--lake" || typeof(FileSystemInfo).IsAssignableFrom(Nullable.GetUnderlyingType(o.ValueType) ?? o.ValueType))
                .Select(o => (Func<string, string[]>)(value => [o.Name, value]));
            var arguments = command.Arguments.Where(a => typeof(FileSystemInfo).IsAssignableFrom(a.ValueType.GetElementType() ?? a.ValueType))
                .Select(_ => (Func<string, string[]>)(value => [value]));
            foreach (var words in named.Concat(arguments))
            {
                var text = $"caf{new string('x', random.Next(0, 8))}";
                var at = random.Next(0, text.Length + 1);
                var value = Path.Combine(folder.Path, text[..at] + '\uFFFD' + text[at..]);
                Assert.DoesNotContain(ParseErrors.Lines(CliRoot.Create().Parse([.. path, .. words(value)])), l => l.Contains("is not UTF-8", StringComparison.Ordinal));
                tried++;
            }
        }
        Assert.True(tried >= 10, $"only {tried} paths were tried");

        // As the system passes them: a Latin-1 byte at a generated place of a folder to make or read, refused before anything is made.
        var made = Path.Combine(folder.Path, $"made{seed}");
        string[][] lines = [["sample", "--out", "@"], ["transform", "--lake", "@"], ["query", "--lake", "@"], ["import", "@", "--lake", made], ["transform", "--input", "@", "--lake", made]];
        foreach (var line in lines)
        {
            var (prefix, suffix) = ($"{folder.Path}/mu{new string('s', random.Next(0, 4))}", $"ic{random.Next(10)}");
            var run = RunWithBytes(line, prefix, (byte)(0xC0 + random.Next(0x40)), suffix);
            Assert.True(run.ExitCode == 64, $"{string.Join(' ', line)}: exit {run.ExitCode}: {run.Errors}");
            Assert.Contains($"{prefix}\uFFFD{suffix}: this path is not UTF-8", run.Errors, StringComparison.Ordinal);
        }
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));

        // A lake whose folder's name holds U+FFFD itself is a lake as any other, from its first run on (no lock file, no state yet).
        var genuine = Path.Combine(folder.Path, $"caf\uFFFD{seed}", "lake");
        string[][] runs = [["sample", "--out", genuine, "--days", "1", "--items", "5"], ["transform", "--lake", genuine], ["query", "--lake", genuine, "--query", "top_tracks"]];
        foreach (var line in runs)
        {
            var run = DemoCommandTests.RunCli(line);
            Assert.True(run.ExitCode == 0, $"{string.Join(' ', line)}: exit {run.ExitCode}: {run.Errors}");
        }
    }

    /// <summary>Runs spotify-etl with the argument "@" replaced by <paramref name="prefix"/>, the byte, then <paramref name="suffix"/>: bytes no .NET string can pass.</summary>
    private static (int ExitCode, string Errors) RunWithBytes(string[] arguments, string prefix, byte bad, string suffix)
    {
        var start = SpotifyEtlProcess.StartInfo(arguments);
        var program = start.ArgumentList.Prepend(start.FileName).ToList();
        start.FileName = "bash";
        start.ArgumentList.Clear();
        foreach (var word in new[] { "-c", $"args=(); for a in \"$@\"; do if [ \"$a\" = @ ]; then args+=(\"$(printf '%s\\x{bad:x2}%s' \"$P\" \"$S\")\"); else args+=(\"$a\"); fi; done; exec \"${{args[@]}}\"", "_" }.Concat(program))
        {
            start.ArgumentList.Add(word);
        }
        start.Environment["P"] = prefix;
        start.Environment["S"] = suffix;
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        _ = output.Result;
        return (process.ExitCode, errors);
    }

    [Fact]
    public void An_option_given_a_value_twice_or_none_says_so_in_its_own_words()
    {
        var root = CliRoot.Create();
        var twice = ParseErrors.Lines(root.Parse(["query", "--lake", Value, "--query", "skip_rate", "--query", "top_tracks"]));
        Assert.Equal(["--query takes one value, and was given 2: write it once."], twice);
        var none = ParseErrors.Lines(root.Parse(["transform", "--lake"]));
        Assert.StartsWith("--lake needs a value <lake>: ", Assert.Single(none), StringComparison.Ordinal);
        var unknown = ParseErrors.Lines(root.Parse(["transform", "--lake", Value, "--qqqqqqqq", "3", "extra"]));
        AssertNoParserWording(unknown, "transform with an unknown option and word");
        Assert.Contains("'--qqqqqqqq' is not an option of 'spotify-etl transform'.", unknown);
        Assert.DoesNotContain(unknown, line => line.Contains("'3'", StringComparison.Ordinal));
    }

    [Fact]
    public void An_option_of_a_value_followed_by_another_option_is_refused_not_given_that_option_as_its_value()
    {
        // "sample --out $OUT --json" with OUT empty: the parser took "--json" as the folder and dropped the flag. Every option
        // of a value of every verb (repeatable ones too: "--top-tracks --credentials c.json"), followed by every other option
        // of that verb, flags and global options included.
        var tried = 0;
        foreach (var (path, command) in Leaves(CliRoot.Create(), []))
        {
            var options = NamedOptions(command).ToList();
            string[] global = ["--verbose", "--help"];
            foreach (var option in options.Where(o => o.Arity.MaximumNumberOfValues >= 1 && o.ValueType != typeof(bool)))
            {
                foreach (var other in options.Where(o => o != option).Select(o => o.Name).Concat(global))
                {
                    var takesValue = options.FirstOrDefault(o => o.Name == other) is { } found && found.ValueType != typeof(bool);
                    // An option that takes a value is followed by its value, as the script wrote it: "--lake --days 1".
                    string[] words = takesValue ? [option.Name, other, "1"] : [option.Name, other];
                    var commandLine = string.Join(' ', [.. path, .. words]);
                    var parsed = CliRoot.Create().Parse([.. path, .. words]);
                    Assert.True(parsed.Errors.Count > 0, $"{commandLine} was accepted");
                    var lines = ParseErrors.Lines(parsed);
                    AssertNoParserWording(lines, commandLine);
                    Assert.Single(lines, l => l.StartsWith($"{option.Name} needs a value, and was given {other}, an option itself", StringComparison.Ordinal));
                    Assert.DoesNotContain(lines, l => l.Contains("takes no word", StringComparison.Ordinal));
                    // The option taken as a value stands after the verb: nothing to move.
                    Assert.DoesNotContain(lines, l => l.Contains("write it after", StringComparison.Ordinal));
                    tried++;
                }
            }
        }
        Assert.True(tried >= 100, $"only {tried} command lines were tried");

        // A path that reads like help's other names ("/h", "/?") is a folder, and "--out=--json" is refused as "--out --json".
        Assert.Empty(CliRoot.Create().Parse(["query", "--lake", "/h"]).Errors);
        Assert.Empty(CliRoot.Create().Parse(["report", "--lake", "/?", "--out", "/h"]).Errors);
        Assert.Contains(ParseErrors.Lines(CliRoot.Create().Parse(["sample", "--out=--json"])),
            line => line.StartsWith("--out needs a value, and was given --json, an option itself", StringComparison.Ordinal));
    }

    [Fact]
    public void A_sample_whose_folder_is_an_option_exits_64_and_makes_no_folder_while_a_folder_written_as_a_path_is_made()
    {
        using var folder = new TempFolder();
        var refused = SpotifyEtlProcess.RunIn(folder.Path, "sample", "--out", "--json", "--days", "1", "--items", "1");
        Assert.Equal(ExitCodes.Usage, refused.ExitCode);
        Assert.Contains("--out needs a value, and was given --json, an option itself", refused.Errors, StringComparison.Ordinal);
        Assert.Contains("./--json", refused.Errors, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));

        var written = SpotifyEtlProcess.RunIn(folder.Path, "sample", "--out", "./--json", "--days", "1", "--items", "1");
        Assert.Equal(0, written.ExitCode);
        Assert.True(Directory.Exists(folder["--json/raw"]), written.Errors);
    }

    [Fact]
    public void The_tool_prints_a_mistyped_option_as_one_line_and_the_help_hint()
    {
        var run = DemoCommandTests.RunCli("transform", "--lak", "lake");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal(
            ["spotify-etl: '--lak' is unknown here: did you mean '--lake'?", "Run 'spotify-etl transform --help' for the options."],
            run.Errors.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n'));
        Assert.Empty(run.Output);
    }
}
