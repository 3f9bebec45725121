namespace SpotifyEtl.Import;

/// <summary>
/// The export's <c>platform</c> reduced to a family. The raw value can name a device model, an OS build or,
/// for partner devices, a device id (<c>Partner android_tv Amazon;…;&lt;id&gt;;;tpapi</c>): only the family is kept.
/// </summary>
public static class PlatformFamily
{
    public const string Ios = "ios";
    public const string Android = "android";
    public const string Windows = "windows";
    public const string MacOs = "macos";
    public const string Linux = "linux";
    public const string Web = "web";
    public const string Tv = "tv";
    public const string Console = "console";
    public const string Car = "car";
    public const string Speaker = "speaker";
    public const string Wearable = "wearable";
    public const string Other = "other";

    // Most specific first: a watch on Tizen or Android is a watch; "Partner android_tv" is a TV, not a phone; "Android OS ... (Car)" a car.
    private static readonly (string Needle, string Family)[] Rules =
    [
        ("wear_os", Wearable), ("wearos", Wearable), ("wear os", Wearable), ("watchos", Wearable), ("apple watch", Wearable),
        ("apple_watch", Wearable), ("garmin", Wearable), ("fitbit", Wearable), ("galaxy_watch", Wearable), ("galaxy watch", Wearable),
        ("pixel watch", Wearable), ("pixel_watch", Wearable), ("smartwatch", Wearable), ("_watch", Wearable),
        ("playstation", Console), ("xbox", Console), ("nintendo", Console), ("ps4", Console), ("ps5", Console),
        ("android_tv", Tv), ("androidtv", Tv), ("tvos", Tv), ("apple tv", Tv), ("appletv", Tv), ("smart_tv", Tv), ("smarttv", Tv),
        ("_tv", Tv), (" tv", Tv), ("tizen", Tv), ("webos", Tv), ("roku", Tv), ("chromecast", Tv), ("fire tv", Tv), ("firetv", Tv),
        ("carplay", Car), ("android_auto", Car), ("android auto", Car), ("automotive", Car), ("(car)", Car), ("tesla", Car),
        ("car_thing", Car), ("carthing", Car), ("car thing", Car),
        ("sonos", Speaker), ("echo", Speaker), ("alexa", Speaker), ("google_home", Speaker), ("homepod", Speaker), ("speaker", Speaker),
        ("web_player", Web), ("web player", Web), ("webplayer", Web), ("browser", Web), ("chrome", Web), ("firefox", Web), ("safari", Web),
        ("ios", Ios), ("iphone", Ios), ("ipad", Ios), ("ipod", Ios),
        ("android", Android),
        ("windows", Windows), ("win32", Windows), ("win64", Windows),
        ("os x", MacOs), ("osx", MacOs), ("macos", MacOs), ("mac os", MacOs),
        ("linux", Linux),
    ];

    /// <summary>The family of a raw platform value; null when there is none, <see cref="Other"/> when no rule knows it.</summary>
    public static string? Normalize(string? platform)
    {
        if (string.IsNullOrWhiteSpace(platform))
        {
            return null;
        }
        if (Known.TryGetValue(platform, out var known))
        {
            return known;
        }
        var family = Match(platform);
        if (Known.Count < MaxKnown)
        {
            Known.TryAdd(platform, family);
        }
        return family;
    }

    // A history repeats a handful of platform values a million times: each is matched against the rules once.
    private const int MaxKnown = 4096;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Known = new(StringComparer.Ordinal);

    private static string Match(string platform)
    {
        foreach (var (needle, family) in Rules)
        {
            if (platform.Contains(needle, StringComparison.OrdinalIgnoreCase))
            {
                return family;
            }
        }
        // A partner's car names itself by its maker ("Partner bmw_car", "Partner volvo_car"): "car" as a word, not in "card".
        return HasWord(platform, "car") ? Car : Other;
    }

    private static bool HasWord(string text, string word)
    {
        for (var at = text.IndexOf(word, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(word, at + 1, StringComparison.OrdinalIgnoreCase))
        {
            var end = at + word.Length;
            if ((at == 0 || !char.IsLetter(text[at - 1])) && (end == text.Length || !char.IsLetter(text[end])))
            {
                return true;
            }
        }
        return false;
    }
}
