namespace SpotifyEtl.Functions; internal static class Placeholder { }
