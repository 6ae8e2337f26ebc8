/**
 * SPDX tag-value (2.1–2.3) → the SPDX JSON object shape, then decodeSpdxObject.
 * `Tag: Value` lines; `<text>…</text>` values may span lines; a PackageName starts a package,
 * a FileName starts a file (its SPDXID and FileComment are kept: the decoder reads the files a package
 * CONTAINS as its locations), a SnippetSPDXID or LicenseID ends either.
 */
import type { Sbom } from '../model.js';
import type { DecodeContext } from '../decode.js';
import { decodeSpdxObject } from './decode.js';

interface TvPackage {
  [k: string]: unknown;
  externalRefs: { referenceCategory: string; referenceType: string; referenceLocator: string }[];
  checksums: { algorithm: string; checksumValue: string }[];
}

/** Parse tag-value text into (tag, value) pairs. */
export function parseTagValuePairs(text: string): [string, string][] {
  const pairs: [string, string][] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const m = /^\s*([A-Za-z][A-Za-z0-9_-]*)\s*:\s?(.*)$/.exec(line);
    if (!m) continue;
    const tag = m[1]!;
    let value = m[2]!;
    if (value.trimStart().startsWith('<text>')) {
      let buf = value.trimStart().slice('<text>'.length);
      while (!buf.includes('</text>') && i + 1 < lines.length) buf += `\n${lines[++i]!}`;
      value = buf.replace(/<\/text>[\s\S]*$/, '');
    }
    pairs.push([tag, value.trim()]);
  }
  return pairs;
}

export function tagValueToObject(text: string): Record<string, unknown> {
  const doc: Record<string, unknown> = { creationInfo: { creators: [] as string[] }, packages: [] as TvPackage[], relationships: [] as unknown[], files: [] as Record<string, unknown>[] };
  const files = doc.files as Record<string, unknown>[];
  let file: Record<string, unknown> | undefined;
  const creators = (doc.creationInfo as { creators: string[] }).creators;
  const packages = doc.packages as TvPackage[];
  const relationships = doc.relationships as unknown[];
  const describes: string[] = [];
  // Annotations (Annotator starts one; SPDXREF names what it is about): the document's carry custody's completeness declaration.
  const annotations: { ref?: string; comment?: string }[] = [];
  let pkg: TvPackage | undefined;
  for (const [tag, value] of parseTagValuePairs(text)) {
    switch (tag) {
      case 'SPDXVersion':
        doc.spdxVersion = value;
        continue;
      case 'DocumentName':
        doc.name = value;
        continue;
      case 'DocumentNamespace':
        doc.documentNamespace = value;
        continue;
      case 'Creator':
        creators.push(value);
        continue;
      case 'Created':
        (doc.creationInfo as Record<string, unknown>).created = value;
        continue;
      case 'Relationship': {
        const m = /^(\S+)\s+(\S+)\s+(\S+)/.exec(value);
        if (m) relationships.push({ spdxElementId: m[1], relationshipType: m[2], relatedSpdxElement: m[3] });
        continue;
      }
      case 'RelationshipComment': {
        const last = relationships[relationships.length - 1] as Record<string, unknown> | undefined;
        if (last !== undefined) last.comment = value;
        continue;
      }
      case 'DocumentDescribes':
        describes.push(...value.split(/[\s,]+/).filter(Boolean));
        continue;
      case 'Annotator':
        annotations.push({});
        continue;
      case 'SPDXREF':
        if (annotations.length > 0) annotations[annotations.length - 1]!.ref = value;
        continue;
      case 'AnnotationComment':
        if (annotations.length > 0) annotations[annotations.length - 1]!.comment = value;
        continue;
      case 'PackageName':
        pkg = { name: value, externalRefs: [], checksums: [] };
        file = undefined;
        packages.push(pkg);
        continue;
      case 'FileName':
        pkg = undefined;
        file = { fileName: value };
        files.push(file);
        continue;
      case 'SnippetSPDXID':
      case 'LicenseID':
        pkg = undefined;
        file = undefined;
        continue;
    }
    if (file) {
      if (tag === 'SPDXID') file.SPDXID = value;
      else if (tag === 'FileComment') file.comment = value;
      continue;
    }
    if (!pkg) {
      if (tag === 'SPDXID' && doc.SPDXID === undefined) doc.SPDXID = value;
      continue;
    }
    switch (tag) {
      case 'SPDXID':
        pkg.SPDXID = value;
        break;
      case 'PackageVersion':
        pkg.versionInfo = value;
        break;
      case 'PackageSupplier':
        pkg.supplier = value;
        break;
      case 'PackageFileName':
        pkg.packageFileName = value;
        break;
      case 'PackageLicenseConcluded':
        pkg.licenseConcluded = value;
        break;
      case 'PackageLicenseDeclared':
        pkg.licenseDeclared = value;
        break;
      case 'PackageDescription':
        pkg.description = value;
        break;
      case 'PackageSummary':
        pkg.summary = value;
        break;
      case 'PackageSourceInfo':
        pkg.sourceInfo = value;
        break;
      case 'PrimaryPackagePurpose':
        pkg.primaryPackagePurpose = value;
        break;
      case 'PackageAttributionText':
        ((pkg.attributionTexts ??= []) as string[]).push(value);
        break;
      case 'PackageChecksum': {
        const m = /^([\w-]+):\s*(\S+)/.exec(value);
        if (m) pkg.checksums.push({ algorithm: m[1]!, checksumValue: m[2]! });
        break;
      }
      case 'ExternalRef': {
        const m = /^(\S+)\s+(\S+)\s+(\S+)/.exec(value);
        if (m) pkg.externalRefs.push({ referenceCategory: m[1]!, referenceType: m[2]!, referenceLocator: m[3]! });
        break;
      }
    }
  }
  if (describes.length > 0) doc.documentDescribes = describes;
  const docAnnotations = annotations.filter((a) => a.ref === 'SPDXRef-DOCUMENT' && a.comment !== undefined).map((a) => ({ comment: a.comment }));
  if (docAnnotations.length > 0) doc.annotations = docAnnotations;
  return doc;
}

export function decodeSpdxTagValue(text: string, ctx: DecodeContext): Sbom {
  return decodeSpdxObject(tagValueToObject(text), ctx, 'spdx-tag-value');
}
