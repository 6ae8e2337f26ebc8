/**
 * Strict shape checks on an RFC 3161 TimeStampResp before @sigstore/core reads it. The library verifies the
 * signature over the signed attributes and TSTInfo, but its parser does not check outer tags and it ignores the
 * certificates embedded in the token, so a corrupted token could still be accepted. We refuse
 * (the mutation test flips every part of a bundle): outer tags must be what RFC 3161 / RFC 5652 say, and every
 * embedded certificate must be one of the trusted root's timestamp-authority certificates.
 */
import { ASN1Obj, X509Certificate } from '@sigstore/core';

const SIGNED_DATA_OID = '1.2.840.113549.1.7.2';
const TST_INFO_OID = '1.2.840.113549.1.9.16.1.4';

export function checkTimestampToken(token: Buffer, trustedTsaCerts: readonly X509Certificate[]): void {
  const bad = (why: string): never => {
    throw new Error(`malformed RFC 3161 timestamp: ${why}`);
  };
  const root = ASN1Obj.parseBuffer(Buffer.from(token));
  if (!root.toDER().equals(token)) bad('trailing or non-DER bytes');
  const seq = (o: ASN1Obj | undefined, what: string): ASN1Obj => {
    if (!o || o.tag.number !== 0x10 || !o.tag.constructed || !o.tag.isUniversal()) bad(`${what} is not a SEQUENCE`);
    return o as ASN1Obj;
  };
  seq(root, 'TimeStampResp');
  const status = seq(root.subs[0], 'PKIStatusInfo');
  if (!status.subs[0]?.tag.isInteger() || status.subs[0].toInteger() > 1n) bad('status is not granted');
  const content = seq(root.subs[1], 'ContentInfo');
  if (!content.subs[0]?.tag.isOID() || content.subs[0].toOID() !== SIGNED_DATA_OID) bad('content is not SignedData');
  const wrapper = content.subs[1];
  if (!wrapper?.tag.isContextSpecific(0)) bad('SignedData is not [0]');
  const signedData = seq(wrapper?.subs[0], 'SignedData');
  const [version, digestAlgs, encap, ...rest] = signedData.subs;
  if (!version?.tag.isInteger()) bad('SignedData version is not an INTEGER');
  if (!digestAlgs || digestAlgs.tag.number !== 0x11 || !digestAlgs.tag.constructed) bad('digestAlgorithms is not a SET');
  const e = seq(encap, 'EncapsulatedContentInfo');
  if (!e.subs[0]?.tag.isOID() || e.subs[0].toOID() !== TST_INFO_OID) bad('content is not a TSTInfo');
  const signerInfos = rest[rest.length - 1];
  if (!signerInfos || signerInfos.tag.number !== 0x11 || !signerInfos.tag.constructed || signerInfos.subs.length !== 1) bad('there must be exactly one SignerInfo');
  const certs = rest.find((o) => o.tag.isContextSpecific(0));
  if (certs) {
    const trusted = trustedTsaCerts.map((c) => c.root.toDER());
    for (const c of certs.subs) {
      const der = c.toDER();
      if (!trusted.some((t) => t.equals(der))) bad('it embeds a certificate that is not in the trusted root');
    }
  }
}
