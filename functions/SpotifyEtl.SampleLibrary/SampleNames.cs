namespace SpotifyEtl.SampleLibrary;

/// <summary>
/// The music the sample is made of. Names are chosen to break naive pipelines: commas and quotes
/// inside names, non-Latin scripts, a line break, year- and month-precision release dates.
/// </summary>
internal static class SampleNames
{
    public static readonly string[] ArtistNames =
    [
        "Bizarrap", "Shakira", "Quevedo", "YOASOBI", "ヨルシカ", "Кино", "Sigur Rós", "Florence + The Machine",
        "Tyler, The Creator", "Guns N' Roses", "Beyoncé", "방탄소년단", "Rosalía", "Daft Punk", "Fela Kuti",
        "The \"Quoted\" Quartet", "Nina Simone", "Björk", "Ali Farka Touré", "Mitski", "Arooj Aftab", "Tinariwen",
        "Kali Uchis", "Bad Bunny", "Stromae", "Angèle", "Burna Boy", "Tems", "Caetano Veloso", "Gal Costa",
    ];

    public static readonly string[] SongWords =
    [
        "Night", "Drive", "Sol", "夜に駆ける", "Горит", "Hoppípolla", "Dog Days", "Lemonade", "Malamente", "Harder",
        "Water", "Alors", "Balance", "Wonder", "Last", "Song", "Mar", "Luz", "Fire", "Home",
    ];

    public static readonly string[] SpecialSongNames =
    [
        "Shakira: Bzrp Music Sessions, Vol. 53",
        "Quevedo: Bzrp Music Sessions, Vol. 52",
        "\"Heroes\" (2017 Remaster)",
        "Intro\r\n(Live at the Roundhouse)",
        "Ça, c'est Paris",
        "夜に駆ける",
        "Группа крови",
    ];

    /// <summary>Precision and date pairs as Spotify sends them; "0000" happens for some old recordings.</summary>
    public static readonly (string Precision, Func<Random, string> Date)[] ReleaseDates =
    [
        ("day", random => $"{random.Next(1995, 2027)}-{random.Next(1, 13):00}-{random.Next(1, 29):00}"),
        ("day", random => $"{random.Next(2010, 2027)}-{random.Next(1, 13):00}-{random.Next(1, 29):00}"),
        ("month", random => $"{random.Next(1970, 2000)}-{random.Next(1, 13):00}"),
        ("year", random => $"{random.Next(1960, 1995)}"),
    ];

    public static readonly string[] AlbumTypes = ["album", "album", "single", "compilation"];
}
