using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>Which failures while one raw object is read set that object aside, and which fail the run instead.</summary>
public sealed class ReadFailureTests
{
    // The runtime's own exceptions are made here only to be classified, as the runtime would throw them.
#pragma warning disable CA2201
    public static TheoryData<Exception> FailuresOfTheObject() =>
    [
        new FormatException("bad number"),
        new OverflowException("too large"),
        new InvalidOperationException("Cannot read invalid UTF-16 JSON text"),
        new System.Text.DecoderFallbackException("no character"),
        new ArgumentOutOfRangeException("index"),
        new IndexOutOfRangeException(),
        new KeyNotFoundException("a key"),
        new InvalidCastException(),
        new NotSupportedException("a token"),
        new InvalidDataException("a field"),
    ];

    public static TheoryData<Exception> FailuresOfTheProcess() =>
    [
        new OutOfMemoryException(),
        new InsufficientExecutionStackException(),
        new OperationCanceledException(),
        new TaskCanceledException(),
        new InvalidRawObjectException("raw/x", "already the object's own reason"),
    ];
#pragma warning restore CA2201

    [Theory]
    [MemberData(nameof(FailuresOfTheObject))]
    public void A_failure_of_the_objects_bytes_sets_it_aside_with_its_reason(Exception exception)
    {
        Assert.True(ReadFailure.IsTheObjects(exception));
        Assert.DoesNotContain('\n', ReadFailure.Describe(exception));
    }

    [Theory]
    [MemberData(nameof(FailuresOfTheProcess))]
    public void Running_out_of_memory_or_stack_or_being_cancelled_never_sets_a_good_page_aside(Exception exception) =>
        Assert.False(ReadFailure.IsTheObjects(exception));
}
