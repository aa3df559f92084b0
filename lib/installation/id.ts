/** An installation id: 16 hex characters from the CSPRNG, used as a Docker label value. */
export const INSTALLATION_ID_PATTERN = /^[0-9a-f]{16}$/;
