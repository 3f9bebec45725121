using System.Globalization;
using System.Text.Json;

namespace SpotifyEtl.Spotify;

/// <summary>
/// When a refresh token stops working. Spotify ends it six months after the authorization that issued it, however often it
/// is refreshed, and then answers <c>invalid_grant</c>; from then on no run reads the account, and recently played keeps
/// only about the last 50 plays. <c>auth login</c> writes the time of the authorization beside the token
/// (<c>authorized_at</c>), so that runs can say so in the weeks before, while a new login still loses nothing.
/// </summary>
public static class RefreshTokenExpiry
{
    /// <summary>How long before the end runs start to say it: two weeks, time for a person to log in again.</summary>
    public static readonly TimeSpan Notice = TimeSpan.FromDays(14);

    /// <summary>The end of a token authorized at <paramref name="authorizedAt"/>: six calendar months later, in UTC.</summary>
    public static DateTimeOffset EndOf(DateTimeOffset authorizedAt) => authorizedAt.ToUniversalTime().AddMonths(6);

    /// <summary>
    /// What a run should say about the token at <paramref name="now"/>: nothing when the time it was authorized is not known or its
    /// end is more than <see cref="Notice"/> away, else how long is left (none, when the end has passed).
    /// </summary>
    public static ReauthorizationDue? Due(DateTimeOffset? authorizedAt, DateTimeOffset now)
    {
        if (authorizedAt is not { } authorized)
        {
            return null;
        }
        var end = EndOf(authorized);
        return end - now > Notice ? null : new ReauthorizationDue(authorized.ToUniversalTime(), end, end - now);
    }

    /// <summary>
    /// The time an <c>authorized_at</c> value gives: an ISO 8601 time (<c>auth login</c> writes UTC to the second), with an
    /// offset or read as UTC, or a date. Null with no value; null and a <paramref name="problem"/> saying what was wrong
    /// with a value that is no such time (another JSON type, another form, a time after <paramref name="now"/>), which
    /// costs the run only its notice. The value is shown only when it looks like a time: anything else may be a secret
    /// pasted into the wrong field.
    /// </summary>
    public static DateTimeOffset? Read(JsonElement? value, DateTimeOffset now, out string? problem)
    {
        problem = null;
        if (value is not { } element || element.ValueKind == JsonValueKind.Null
            || element.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(element.GetString()))
        {
            return null;
        }
        var text = element.ValueKind == JsonValueKind.String ? element.GetString()! : null;
        if (text is not null && DateTimeOffset.TryParseExact(text.Trim(), IsoForms, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            if (time <= now.AddDays(1))
            {
                return time;
            }
            problem = $"its {StackContract.Secret.AuthorizedAt} ({Format(time)}) is in the future, so when its refresh token ends is not known and no run " +
                "can say so ahead; 'spotify-etl auth login' writes the time it authorizes";
            return null;
        }
        var shown = text is null ? $"is {Kind(element.ValueKind)}"
            : text.Length <= 40 && text.All(c => char.IsAsciiDigit(c) || c is '-' or ':' or '.' or '/' or '+' or ' ' or 'T' or 'Z')
                ? $"('{text}') is no time such as 2026-11-28T12:00:00Z"
                : $"(a text of {text.Length} characters, not shown) is no time such as 2026-11-28T12:00:00Z";
        problem = $"its {StackContract.Secret.AuthorizedAt} {shown}, so when its refresh token ends is not known and no run can say so ahead; " +
            "'spotify-etl auth login' writes it";
        return null;
    }

    /// <summary>
    /// What is wrong with a user's credentials that hold no time of their authorization (put before <c>auth login</c> wrote
    /// it, or by hand): when the refresh token ends is not known, so no run can say so ahead and the first to know is the
    /// run Spotify refuses. Null for an app's credentials (no refresh token, nothing ends) and for those that hold the time.
    /// </summary>
    public static string? Unknown(SpotifyCredentials credentials) => credentials.HasRefreshToken && credentials.AuthorizedAt is null
        ? $"it has no {StackContract.Secret.AuthorizedAt}, so when its refresh token ends (six months after the login that gave it) is not known " +
          "and no run can say so ahead; 'spotify-etl auth login' writes it (or add the time you last authorized, in UTC, as " +
          $"\"{StackContract.Secret.AuthorizedAt}\": \"2026-06-01T12:00:00Z\")"
        : null;

    private static readonly string[] IsoForms = ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd"];

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Number => "a number, not a time such as 2026-11-28T12:00:00Z",
        JsonValueKind.True or JsonValueKind.False => "true or false, not a time such as 2026-11-28T12:00:00Z",
        JsonValueKind.Object => "a JSON object, not a time such as 2026-11-28T12:00:00Z",
        _ => "a JSON array, not a time such as 2026-11-28T12:00:00Z",
    };

    /// <summary>The time as <c>auth login</c> writes it into the credentials file: a JSON string of <see cref="Format"/>.</summary>
    public static JsonElement ToJson(DateTimeOffset time)
    {
        using var document = JsonDocument.Parse($"\"{Format(time)}\"");
        return document.RootElement.Clone();
    }

    /// <summary>How <c>auth login</c> writes the time, and how messages show it: UTC, to the second.</summary>
    public static string Format(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>A refresh token whose end is near or past.</summary>
/// <param name="Left">Time left until <paramref name="EndsAt"/>; zero or less when it has passed.</param>
public sealed record ReauthorizationDue(DateTimeOffset AuthorizedAt, DateTimeOffset EndsAt, TimeSpan Left)
{
    /// <summary>Whole days left, rounded down; 0 on the last day and after it.</summary>
    public int DaysLeft => Left <= TimeSpan.Zero ? 0 : (int)Left.TotalDays;

    /// <summary>Says when the token ends and what to run before then; <paramref name="remedy"/> names the command.</summary>
    public string Message(string remedy) => Left > TimeSpan.Zero
        ? $"The Spotify refresh token, authorized {RefreshTokenExpiry.Format(AuthorizedAt)}, ends at {RefreshTokenExpiry.Format(EndsAt)} " +
          $"({(DaysLeft == 0 ? "in less than a day" : DaysLeft == 1 ? "in 1 day" : $"in {DaysLeft} days")}). Spotify then refuses it: no run reads the account " +
          $"until a new login, and plays past the last 50 Spotify keeps are lost to the API. {remedy}"
        : $"The Spotify refresh token, authorized {RefreshTokenExpiry.Format(AuthorizedAt)}, was due to end at {RefreshTokenExpiry.Format(EndsAt)}, six months later, " +
          $"and Spotify may refuse it at any run. {remedy}";
}
