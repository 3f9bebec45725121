namespace SpotifyEtl.Spotify.Extraction;

/// <summary>The result of a run: its manifest and where it was written.</summary>
public sealed record ExtractionRun(ExtractionManifest Manifest, string ManifestKey, string? RotatedRefreshToken)
{
    /// <summary>Every source landed or was unchanged, and a rotated refresh token (if any) was saved.</summary>
    public bool Succeeded => Manifest.Outcome == ExtractionOutcome.Succeeded && Manifest.RefreshTokenSaveError is null;
}
