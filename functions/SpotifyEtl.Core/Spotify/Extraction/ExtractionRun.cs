namespace SpotifyEtl.Spotify.Extraction;

/// <summary>The result of a run: its manifest and where it was written.</summary>
public sealed record ExtractionRun(ExtractionManifest Manifest, string ManifestKey, string? RotatedRefreshToken)
{
    /// <summary>Every source landed or was unchanged, and a rotated refresh token (if any) was saved.</summary>
    public bool Succeeded => Manifest.Outcome == ExtractionOutcome.Succeeded && Manifest.RefreshTokenSaveError is null;

    /// <summary>Never the token: a record's own ToString would print it into whatever logs the run.</summary>
    public override string ToString() =>
        $"ExtractionRun {{ ManifestKey = {ManifestKey}, Outcome = {Manifest.Outcome}, RotatedRefreshToken = {(RotatedRefreshToken is null ? "none" : "***")} }}";
}
