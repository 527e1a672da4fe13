import sharp from 'sharp';
import { MediaService } from './media.service';
import { MEDIA_PROFILES, ledImageProfile } from './profiles';
import { syntheticImages } from './testing/synthetic-images';

/** Every sharp instance the code under test creates, with what it was asked to do. */
interface Use {
  input: unknown;
  options: unknown;
  calls: string[];
}

jest.mock('sharp', () => {
  const real = jest.requireActual('sharp');
  const uses: Use[] = [];
  const wrapped = (...args: unknown[]) => {
    const instance = real(...args);
    const use: Use = { input: args[0], options: args[1], calls: [] };
    uses.push(use);
    for (const method of ['metadata', 'toBuffer', 'toFile', 'stats']) {
      const original = instance[method].bind(instance);
      instance[method] = (...a: unknown[]) => {
        use.calls.push(method);
        return original(...a);
      };
    }
    return instance;
  };
  return Object.assign(wrapped, real, { __uses: uses });
});

const uses = (sharp as unknown as { __uses: Use[] }).__uses;

describe('MediaService.renderAll decodes the source once', () => {
  it('reads the upload once for its header and once for its pixels, whatever the number of profiles', async () => {
    const photo = await syntheticImages.noisyPhoto(2400, 1800, 11);
    const profiles = [...Object.values(MEDIA_PROFILES), ledImageProfile({ width: 128, height: 64 })];
    uses.length = 0;
    const out = await new MediaService().renderAll(photo, profiles);
    expect(Object.keys(out)).toHaveLength(profiles.length);

    const onSource = uses.filter((u) => u.input === photo);
    expect(onSource.map((u) => u.calls)).toEqual([['metadata'], ['toBuffer']]);
    expect(onSource[1].options).toMatchObject({ failOn: 'error' });
    // every rendition came from the decoded pixels, not from the upload
    const derived = uses.filter((u) => u.input !== photo);
    expect(derived.length).toBeGreaterThanOrEqual(profiles.length - 1);
    for (const u of derived) expect(u.options).toHaveProperty('raw');
  });
});
