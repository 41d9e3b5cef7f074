import { describe, expect, test } from 'vitest'
import { decrypt, encrypt } from './encrypt.ts'

const key = 'abcdefghijklmnopqrstuvwxyz012345'

// The `_params.settings` value written by PocketBase 0.40.4 started with
// `--encryptionEnv=PBENC` and PBENC set to `key` (a fresh install's default settings).
const PB_FIXTURE = [
  '2s9rGAAnHmq+gKhA7n8jwqhFvhFPUhHyhW0pqvAPbVyMz3a/cTYgZZ4K1A+r8zCINsQlcGsUYkO4F4YLkj04Y+w5',
  'o+B2+EblXfnoF2+IIckuY5WaR6L38Ta39EBAPlkrtegkhX3f9bmnyePBQnjYbzJPfY2N7dkdk5YRGwOU4byds+Hj',
  'JXZUA2TaOdpBs8zT7oU69zaosmX0D8giP/P8Uh/lJ8DXCBtxfpBWippI5aqSmSYVcDZNmAONwKjOc1gg5ttLwZMb',
  'q2ZPdhImia/TklYxyZCCcp0j5FZsx1NQkkI1aQaPvCc3G74kY/O49GQ5AW1YX1ZvCbl+J74m0YR0RuHxtVonWeVa',
  'Ieg0kFC0LHSRljmhIJrvrWxBUWm+Dy7CPuY6XVWtefQ98QOrfb4tLtLhRjO8GRDZYgdpp44nsYDPuyd6vCCUhePD',
  'f0Zt4zRCi78OrHQ1eor1QhFzAjbaNNFR1oW8fninUgyEhHcQyCal6T+YOYVePhpT2/w87lFmMLKodR4zAMkRThWa',
  'O+1n5axpOcI0KTTir1POLz8fliuk2KG4uvYrVrUEAL1Fdn6qYC5DsepwV+pYj4j4eZLpGDV4zUeRPsPavjuW/BiA',
  'WGdNZZyuYhgv/OHBZu26/rnxSzI5jSO36CevsmjKZBqAGWMlbNHaziHJSb1d+BXBEvBNQH0vMPulNdm17HJfC3Iw',
  'yBemOP6n6k9eUkv5wVYRTEUPvEKX37f4y9aviVfl7dx5fC5ZzqXj8mzotWu9hWyddISASOXc08DJ4E3tPXaBNHAL',
  '09nSMF/ecaxAd2K/sPvaBVy9vzZ6WtZQwI7YYpfxl+HmIcsi4gHKX1xyyI1cZF1UIPvZd2zLIidep12SUDbFiAy2',
  'K0THNiqVj2xd2c1mU7xzdiYitCO1ZdjLjdPk+wzdH5jXX6lbZjEW8Eia7yS20sY1fCzi0427IxD2eIfidEy9knHV',
  'n7DD/Hq6oR18eDQi1q/VRk2uFWpL1XqixSLZIXqyKXARdE/NyA035GEXofEroQYUxUK6ICmxYU51AQgSL8JkTVwF',
  'CP1hca+tWDzjkSyQchdLc5gabWhq/yClKnm/TMKbPtrJzOBY18KZ45OMu717m5eQzzfgmfFJWBR+IOU+le5XYPVa',
  'UBADZ7qBnJo/sKW/LnhnIsQ7fU8Vmy6jefaEE0NeBLyIHQQ2tyzithZtnQpPnwcu5GWhRaP1PsmL41sJFps9lK4Z',
  'tpElkn3E8H7FnbT7MWv+VnUnmFhsAXnKF8DKKXOskegjRrDZrVo4s59AZRXKUDig0OWSIX3oqRavrPu/mj8lPASf',
  '7UdgUjmkCd3YC0UxQOfRYrTKOMy5XObs/S03vIdR1C5S/2oNm1etkjc5QroWPtHESv83pQEEe50+pavFNC0h28Ws',
  'rVTCJeG8R3k6gFAZjDoKUVsVxHwECRTmoBZ5fHjREdKJScHCwFksBVUIBss=',
].join('')

describe('encrypt/decrypt', () => {
  test('round trip with a fresh nonce each time', () => {
    const data = '{"meta":{"appName":"Acme ünï 🎉"}}'
    const a = encrypt(data, key)
    const b = encrypt(data, key)
    expect(a).not.toBe(b)
    expect(decrypt(a, key)).toBe(data)
    expect(Buffer.from(a, 'base64')).toHaveLength(12 + Buffer.byteLength(data) + 16)
  })

  test('decrypts settings encrypted by PocketBase 0.40 (--encryptionEnv)', () => {
    const settings = JSON.parse(decrypt(PB_FIXTURE, key))
    expect(settings.meta.appName).toBe('Acme')
    expect(settings.smtp).toMatchObject({ host: 'smtp.example.com', port: 587 })
  })

  test('fails on a wrong key, tampering and bad input', () => {
    const enc = encrypt('secret', key)
    expect(() => decrypt(enc, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345')).toThrow(/Decryption failed/)
    const raw = Buffer.from(enc, 'base64')
    raw[14] = raw[14]! ^ 1
    expect(() => decrypt(raw.toString('base64'), key)).toThrow(/Decryption failed/)
    expect(() => decrypt('not base64!', key)).toThrow(/base64/)
    expect(() => decrypt('AAAA', key)).toThrow(/too short/)
  })

  test('key length: 32 bytes (AES-256), also 16/24 like Go, others rejected', () => {
    expect(decrypt(encrypt('x', 'k'.repeat(16)), 'k'.repeat(16))).toBe('x')
    expect(decrypt(encrypt('x', 'k'.repeat(24)), 'k'.repeat(24))).toBe('x')
    expect(() => encrypt('x', 'short')).toThrow(RangeError)
    expect(() => encrypt('x', 'k'.repeat(33))).toThrow(RangeError)
  })
})
