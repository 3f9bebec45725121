// Recognisable stand-ins for the Spotify credentials: if any shows up outside a Pulumi secret, a test names it.
import type { SpotifyCredentials } from "./stackInvariants";

export const sentinelCredentials: SpotifyCredentials = {
    clientId: "SENTINEL-client-id-7f3a9c",
    clientSecret: "SENTINEL-client-secret-b41d07",
    refreshToken: "SENTINEL-refresh-token-e95c2a",
};

export const secretKeys = ["spotify-stack:spotifyClientId", "spotify-stack:spotifyClientSecret", "spotify-stack:spotifyRefreshToken"];

/** Secret config as `pulumi config set --secret` would hand it to the program (decrypted). */
export function secretConfig(credentials: SpotifyCredentials): Record<string, string> {
    return {
        "spotify-stack:spotifyClientId": credentials.clientId,
        "spotify-stack:spotifyClientSecret": credentials.clientSecret,
        "spotify-stack:spotifyRefreshToken": credentials.refreshToken,
    };
}
