import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { generateKeyPairSync, KeyObject } from 'crypto';
import { DataSource } from 'typeorm';
import { AppConfig, loadConfigPart } from '@app/common/config/app-config';
import { SecretBox } from '@app/common/crypto/secret-box';
import type { InstallationKeyView } from './bundle.types';
import { keyIdOf, privateKeyFromPkcs8, rawPublicKey } from './ed25519-keys';

/**
 * The installation's Ed25519 key pair, which signs the report bundles it sends upward. Generated on
 * first use and stored in `stats_installation_key` (one row), the private key sealed with ENCRYPTION_KEY
 * (AES-256-GCM, like channel credentials): a copy of the database alone cannot sign. Concurrent first
 * uses race on the row's primary key and all end up with the one that was stored.
 */
@Injectable()
export class InstallationKeyService {
  private cached: { view: InstallationKeyView; privateKey: KeyObject } | null = null;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Optional() @Inject(AppConfig) private readonly config?: AppConfig,
  ) {}

  private box(): SecretBox {
    return new SecretBox(this.config?.ENCRYPTION_KEY ?? loadConfigPart(['ENCRYPTION_KEY']).ENCRYPTION_KEY);
  }

  async get(): Promise<{ view: InstallationKeyView; privateKey: KeyObject }> {
    if (this.cached) return this.cached;
    let rows: { public_key: string; private_key_sealed: string }[] = await this.ds.query(
      `SELECT public_key, private_key_sealed FROM stats_installation_key WHERE id = 'installation'`,
    );
    if (!rows.length) {
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      const raw = rawPublicKey(publicKey);
      const sealed = this.box().seal(privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'));
      await this.ds.query(
        `INSERT INTO stats_installation_key (id, key_id, public_key, private_key_sealed) VALUES ('installation', $1, $2, $3) ON CONFLICT (id) DO NOTHING`,
        [keyIdOf(raw), raw.toString('base64'), sealed],
      );
      rows = await this.ds.query(`SELECT public_key, private_key_sealed FROM stats_installation_key WHERE id = 'installation'`);
    }
    const raw = Buffer.from(rows[0].public_key, 'base64');
    const privateKey = privateKeyFromPkcs8(this.box().open(rows[0].private_key_sealed));
    const pem = `-----BEGIN PUBLIC KEY-----\n${Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]).toString('base64')}\n-----END PUBLIC KEY-----\n`;
    this.cached = { view: { algorithm: 'Ed25519', keyId: keyIdOf(raw), publicKey: raw.toString('base64'), publicKeyPem: pem }, privateKey };
    return this.cached;
  }
}
