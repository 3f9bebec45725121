using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Xunit;

namespace SpotifyEtl.Tests.Edges;

/// <summary>
/// Every type of the product that holds a secret (a client secret, a token, a secret's value) prints it as *** in its
/// ToString, which a log line, an exception message or a debugger shows: a record's own ToString, which the compiler
/// writes, prints every property. The types are found by their members' names, so a new one is checked too.
/// </summary>
public sealed partial class SecretsNotPrintedTests
{
    /// <summary>Names of secrets; not ClientRequestToken (an idempotency key) nor names of where a secret is (SecretId).</summary>
    [GeneratedRegex("(Secret|SecretString|AccessToken|RefreshToken|SessionToken|Password|PrivateKey)$")]
    private static partial Regex SecretName();

    private static readonly Assembly[] Product =
    [
        typeof(SpotifyEtl.Spotify.SpotifyCredentials).Assembly,
        typeof(SpotifyEtl.Cli.Commands.ExtractCommand).Assembly,
        typeof(SpotifyEtl.Functions.Aws.SecretValue).Assembly,
    ];

    /// <summary>
    /// Types with a text property whose name says it holds a secret and a ToString of their own (a record's, or written):
    /// object's prints the type's name alone.
    /// </summary>
    public static TheoryData<Type> HoldingSecrets()
    {
        var data = new TheoryData<Type>();
        foreach (var type in Product.SelectMany(assembly => assembly.GetTypes()))
        {
            if (type.IsClass && !type.IsAbstract && type.GetMethod(nameof(ToString), Type.EmptyTypes)?.DeclaringType != typeof(object)
                && type.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
                    .Any(property => property.PropertyType == typeof(string) && SecretName().IsMatch(property.Name)))
            {
                data.Add(type);
            }
        }
        return data;
    }

    [Fact]
    public void The_types_found_include_those_known_to_hold_secrets()
    {
        var found = HoldingSecrets().Cast<object[]>().Select(row => ((Type)row[0]).Name).ToHashSet();

        Assert.Superset(new HashSet<string> { "SpotifyCredentials", "TokenResponse", "SecretValue", "SpotifySecretValue", "CredentialsFileContent", "ExtractionRun" }, found);
    }

    [Theory]
    [MemberData(nameof(HoldingSecrets))]
    public void A_type_holding_a_secret_never_prints_it(Type type)
    {
        var constructor = type.GetConstructors(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .OrderByDescending(c => c.GetParameters().Count(p => p.ParameterType == typeof(string))).FirstOrDefault();
        if (constructor is null || constructor.GetParameters().All(p => p.ParameterType != typeof(string)))
        {
            // Set by its properties, not a constructor: the secret-named ones are written through their setters.
            Assert.Fail($"{type.Name} has no constructor taking text: extend this test to fill it.");
        }
        var values = constructor.GetParameters().Select(parameter => parameter.ParameterType == typeof(string)
            ? $"SENTINEL-{parameter.Name}"
            : parameter.ParameterType.IsValueType ? (Nullable.GetUnderlyingType(parameter.ParameterType) is null ? Activator.CreateInstance(parameter.ParameterType) : null)
            : RuntimeHelpers.GetUninitializedObject(parameter.ParameterType)).ToArray();
        var instance = constructor.Invoke(values);

        var shown = instance.ToString()!;

        var secrets = type.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(property => property.PropertyType == typeof(string) && SecretName().IsMatch(property.Name))
            .Select(property => (string?)property.GetValue(instance)).OfType<string>().ToList();
        Assert.NotEmpty(secrets);
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, shown, StringComparison.Ordinal));
        Assert.Contains("***", shown, StringComparison.Ordinal);
    }
}
