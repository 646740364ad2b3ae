import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { unauthorized } from '../errors.js';

export const accessTokenSeconds = 15 * 60;
export const sessionDays = 30;
const issuer = 'messaging-app';
const audience = 'messaging-app';
const algorithm = 'HS256';

export interface AccessClaims {
  userId: string;
  sessionId: string;
  tokenId: string;
}

const key = (secret: string) => new TextEncoder().encode(secret);

export async function signAccessToken(secret: string, userId: string, sessionId: string): Promise<string> {
  return new SignJWT({ sid: sessionId })
    .setProtectedHeader({ alg: algorithm, typ: 'JWT' })
    .setSubject(userId)
    .setIssuer(issuer)
    .setAudience(audience)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(`${accessTokenSeconds}s`)
    .sign(key(secret));
}

/** Verifies signature, algorithm (pinned), issuer, audience and expiry; a token without `exp` is refused. */
export async function verifyAccessToken(secret: string, token: string): Promise<AccessClaims> {
  try {
    const { payload } = await jwtVerify(token, key(secret), {
      algorithms: [algorithm],
      issuer,
      audience,
      requiredClaims: ['exp', 'iat', 'jti', 'sub'],
    });
    if (
      typeof payload.sub !== 'string' ||
      typeof payload.sid !== 'string' ||
      typeof payload.jti !== 'string'
    ) {
      throw unauthorized('malformed access token');
    }
    return { userId: payload.sub, sessionId: payload.sid, tokenId: payload.jti };
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw unauthorized('access token expired', 'token_expired');
    if (error instanceof errors.JOSEError) throw unauthorized('invalid access token');
    throw error;
  }
}

/** An opaque refresh token: 256 random bits; only its hash is stored. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export const hashRefreshToken = (token: string) => createHash('sha256').update(token).digest('hex');
