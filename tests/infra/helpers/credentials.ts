// The Spotify credentials are no stack config: the stack declares the secret, and its owner puts the value into
// Secrets Manager. A stack configured for the model where they were config still sets these keys; the program
// refuses it with what to do instead.
export const retiredSpotifyKeys = ["spotifyClientId", "spotifyClientSecret", "spotifyRefreshToken"] as const;
