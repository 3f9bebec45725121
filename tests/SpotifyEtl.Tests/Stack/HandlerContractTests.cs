using System.Reflection;
using System.Text.Json;
using Xunit;

namespace SpotifyEtl.Tests.Stack;

/// <summary>
/// The Pulumi program reads its Lambda handler strings from infra/contract.json ("handlers"). These tests check, across the
/// two languages, that each string names a public <c>Task&lt;Stream&gt; Handler(Stream)</c> the managed dotnet10 runtime
/// can call in the assembly the program publishes: it waits for the task, and a stream in and a stream out need no serializer.
/// </summary>
public sealed class HandlerContractTests
{
    public static TheoryData<string> Functions => new() { "extract", "transform" };

    /// <summary>The class each function's handler must be: two handlers swapped would each still resolve.</summary>
    private static readonly Dictionary<string, Type> HandlerTypes = new()
    {
        ["extract"] = typeof(SpotifyEtl.Functions.ExtractFunction),
        ["transform"] = typeof(SpotifyEtl.Functions.TransformFunction),
    };

    [Theory]
    [MemberData(nameof(Functions))]
    public void Stack_handler_string_names_that_functions_own_class(string function)
    {
        var type = HandlerTypes[function];
        Assert.Equal($"{type.Assembly.GetName().Name}::{type.FullName}::{nameof(SpotifyEtl.Functions.ExtractFunction.Handler)}", HandlersJson()[function]);
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void Stack_handler_names_a_public_Task_of_Stream_Handler_of_Stream_in_the_functions_assembly(string function)
    {
        var handler = HandlersJson()[function];
        var parts = handler.Split("::");
        Assert.True(parts.Length == 3, $"handler '{handler}' is not Assembly::Namespace.Class::Method");
        var (assemblyName, typeName, methodName) = (parts[0], parts[1], parts[2]);

        var assembly = Assembly.Load(new AssemblyName(assemblyName));
        var type = assembly.GetType(typeName, throwOnError: false);
        Assert.True(type is not null, $"{assemblyName} has no type {typeName} (handler '{handler}')");
        Assert.True(type.IsPublic && type.IsClass && !type.IsGenericTypeDefinition,
            $"{typeName} must be a public, non-generic class");

        var method = type.GetMethod(methodName, BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static, [typeof(Stream)]);
        Assert.True(method is not null, $"{typeName} has no public {methodName}(Stream)");
        // Task<Stream>, not a subclass or a ValueTask: the runtime unwraps Task<T> and writes a Stream back as it is.
        Assert.Equal(typeof(Task<Stream>), method.ReturnType);
        Assert.Single(type.GetMember(methodName, BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static));
        if (!method.IsStatic)
        {
            Assert.True(!type.IsAbstract && type.GetConstructor(Type.EmptyTypes) is not null,
                $"{typeName} needs a public parameterless constructor for the runtime to create it");
        }
    }

    [Fact]
    public void Handler_assembly_is_the_assembly_the_stack_publishes()
    {
        var assemblyName = HandlersJson()["assembly"];
        Assert.Equal(typeof(SpotifyEtl.Functions.ExtractFunction).Assembly.GetName().Name, assemblyName);
        foreach (var function in new[] { "extract", "transform" })
        {
            Assert.StartsWith(assemblyName + "::", HandlersJson()[function], StringComparison.Ordinal);
        }
    }

    private static Dictionary<string, string> HandlersJson()
    {
        var path = Path.Combine(RepositoryRoot(), "infra", "contract.json");
        using var contract = JsonDocument.Parse(File.ReadAllText(path));
        return contract.RootElement.GetProperty("handlers").Deserialize<Dictionary<string, string>>()
            ?? throw new InvalidOperationException($"{path} has no handlers");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SpotifyStack.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"SpotifyStack.sln not found above {AppContext.BaseDirectory}");
    }
}
