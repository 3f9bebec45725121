using System.Text.Json;

namespace SpotifyEtl.Functions;

/// <summary>
/// Reads what the transform function is invoked with, and refuses what it cannot act on. Three inputs are understood:
/// an S3 event notification (<c>Records</c>), a replay (<c>replay_dates</c>) and S3's <c>s3:TestEvent</c>, a no-op.
/// Anything else fails the invocation with an <see cref="InvalidDataException"/> naming the input's top-level fields
/// (never their values) and what to send instead: reported as success, a mistyped replay or an on-failure destination
/// record sent back whole would leave nothing done and nothing said. So does an event with a record that is null or
/// names no bucket or no object key: the message names the record and the part it lacks.
/// </summary>
internal static class TransformInput
{
    private const int FieldsNamed = 12;
    private const int FieldNameChars = 64;

    private const string WhatToSend =
        "Send an S3 event notification of the raw bucket ({\"Records\": [...]}, as its notifications of manifests/ and import/ do), " +
        "or {\"replay_dates\": [\"yyyy-MM-dd\"]} to rebuild whole days.";

    public static async Task<S3EventNotification> ReadAsync(Stream input, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(input, default, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"The transform function's input is not an S3 event notification: it is not JSON ({JsonErrorText.Of(exception)}). {WhatToSend}", exception);
        }
        using (document)
        {
            var root = document.RootElement;
            if (Refusal(root) is { } refusal)
            {
                throw new InvalidDataException(refusal);
            }
            S3EventNotification notification;
            try
            {
                notification = root.Deserialize(S3EventContext.Default.S3EventNotification) ?? new S3EventNotification(null);
            }
            catch (JsonException exception)
            {
                throw new InvalidDataException($"The transform function's input is not an S3 event notification ({JsonErrorText.Of(exception)}). {WhatToSend}", exception);
            }
            if (Incomplete(notification.Records ?? []) is { } incomplete)
            {
                throw new InvalidDataException(incomplete);
            }
            return notification;
        }
    }

    /// <summary>
    /// Why a record cannot be acted on (it is null, or names no bucket or no object key), or null when every record
    /// names both: the first such record is named, with how many others are like it.
    /// </summary>
    private static string? Incomplete(IReadOnlyList<S3EventRecord?> records)
    {
        var first = -1;
        string? missing = null;
        var others = 0;
        for (var i = 0; i < records.Count; i++)
        {
            if (Missing(records[i]) is not { } what)
            {
                continue;
            }
            if (missing is null)
            {
                (first, missing) = (i, what);
            }
            else
            {
                others++;
            }
        }
        if (missing is null)
        {
            return null;
        }
        var more = others == 0 ? "" : $" ({others} other record{(others == 1 ? " is" : "s are")} incomplete too)";
        return $"The transform function's input is not a complete S3 event notification: Records[{first}] {missing}{more}, so there is no object to act on. " +
            $"Every record of an S3 event names its bucket (s3.bucket.name) and its object (s3.object.key). Nothing was transformed. {WhatToSend}";
    }

    /// <summary>What a record lacks, in the words of the notification's own fields; null when it names a bucket and an object key.</summary>
    private static string? Missing(S3EventRecord? record) => record switch
    {
        null => "is null, not a record",
        { S3: null } => "has no s3 (the bucket and object it is about)",
        { S3.Bucket: null } => "has no s3.bucket",
        { S3.Bucket.Name: null } => "has no s3.bucket.name",
        { S3.Object: null } => "has no s3.object",
        { S3.Object.Key: null } => "has no s3.object.key",
        _ => null,
    };

    /// <summary>Why the input is refused, or null when it is an S3 event, a replay or the S3 test event.</summary>
    private static string? Refusal(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return $"The transform function's input is not an S3 event notification: it is {Describe(root.ValueKind)}, not an object. {WhatToSend}";
        }
        if (root.TryGetProperty("Records", out var records) && Wrapper(records) is { } wrapped)
        {
            return $"The transform function's input is {wrapped}, not the S3 event it carries: the function reads no queue's or topic's " +
                "messages (an on-failure record in a message holds the event as its requestPayload). Nothing was transformed. " + WhatToSend;
        }
        foreach (var (name, list, other) in new[] { ("Records", "of the S3 event's records", "replay_dates"), ("replay_dates", "of days, yyyy-MM-dd", "Records") })
        {
            // Read as absent, it was a success that did nothing: a replay list built by a script from an empty input, say. Beside
            // the other field's list it is what a serializer that writes nulls sends, and that list is the work.
            if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Null
                && !(root.TryGetProperty(other, out var work) && work.ValueKind == JsonValueKind.Array))
            {
                return $"The transform function's input has \"{name}\": null where it takes a list {list}, so there is nothing to transform. {WhatToSend}";
            }
        }
        if (root.TryGetProperty("Records", out _) || root.TryGetProperty("replay_dates", out _)
            || (root.TryGetProperty("Event", out var test) && test.ValueKind == JsonValueKind.String && test.ValueEquals("s3:TestEvent")))
        {
            return null;
        }
        var fields = root.EnumerateObject().Select(p => p.Name).ToList();
        var named = Named(fields);
        if (root.TryGetProperty("requestPayload", out _) || (root.TryGetProperty("requestContext", out _) && root.TryGetProperty("responseContext", out _)))
        {
            return $"The transform function's input is an on-failure destination record ({named}), not the event it holds: send its requestPayload " +
                "instead (jq '.requestPayload', as docs/operations.md shows under \"Dead-letter queues\"). Nothing was transformed.";
        }
        if (root.TryGetProperty("detail-type", out _) && root.TryGetProperty("detail", out _))
        {
            return $"The transform function's input is an EventBridge event ({named}): the transform is fed by the raw bucket's own S3 " +
                $"notifications, not by EventBridge, and reads neither its detail nor its source. Nothing was transformed. {WhatToSend}";
        }
        return $"The transform function's input has neither Records nor replay_dates ({named}{Hint(fields)}), so there is nothing to transform. {WhatToSend}";
    }

    /// <summary>A batch of SQS messages or an SNS notification, by its first record's source; null for any other Records.</summary>
    private static string? Wrapper(JsonElement records)
    {
        if (records.ValueKind != JsonValueKind.Array || records.GetArrayLength() == 0 || records[0].ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var first = records[0];
        var source = first.TryGetProperty("eventSource", out var sqs) && sqs.ValueKind == JsonValueKind.String ? sqs.GetString()
            : first.TryGetProperty("EventSource", out var sns) && sns.ValueKind == JsonValueKind.String ? sns.GetString() : null;
        return source switch
        {
            "aws:sqs" => "a batch of SQS messages (send each body's requestPayload: jq '.Records[].body | fromjson | .requestPayload')",
            "aws:sns" => "an SNS notification (send its message's requestPayload: jq '.Records[].Sns.Message | fromjson | .requestPayload')",
            _ => null,
        };
    }

    private static string Named(List<string> fields)
    {
        if (fields.Count == 0)
        {
            return "it has no fields";
        }
        var names = fields.Take(FieldsNamed).Select(Short);
        var more = fields.Count > FieldsNamed ? $" and {fields.Count - FieldsNamed} more" : "";
        return $"its top-level fields: {string.Join(", ", names)}{more}";
    }

    /// <summary>A field that looks like a misspelled Records or replay_dates.</summary>
    private static string Hint(List<string> fields)
    {
        foreach (var field in fields)
        {
            var folded = new string(field.Where(char.IsLetter).ToArray()).ToLowerInvariant();
            if (folded.StartsWith("replay", StringComparison.Ordinal))
            {
                return $"; '{Short(field)}' is not read: the replay field is spelled replay_dates and holds a list of dates";
            }
            if (folded is "records" or "record")
            {
                return $"; '{Short(field)}' is not read: S3 spells it Records";
            }
        }
        return "";
    }

    private static string Short(string name) => name.Length > FieldNameChars ? name[..FieldNameChars] + "…" : name;

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Null => "JSON null",
        JsonValueKind.Array => "a JSON array",
        JsonValueKind.String => "a JSON string",
        JsonValueKind.Number => "a JSON number",
        _ => "JSON true or false",
    };
}
