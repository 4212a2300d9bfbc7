// The token the baselines check: an HS256 JWT with the claims a dara-ts session
// token carries, signed with the bench secret by the runner itself.
import { randomUUID } from 'node:crypto'
import { SignJWT } from 'jose'

export async function mintToken(secret: string): Promise<string> {
  return new SignJWT({ sid: randomUUID(), name: 'bench', groups: [] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('bench')
    .setIssuer('dara-ts')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret))
}
