import type { StandardProfile } from '../profile.ts';
import {
  ESSENTIAL_OIL,
  FISHERY_FISH_SAUCE,
  FRUIT_VEG,
  HONEY,
  LOTUS,
  MEAT,
  MEDICINAL_HERBS,
  PACKAGED_FOOD,
  RICE,
  TEA,
} from './hue.ts';
import { FSMA_204, GDST_1_2 } from './international.ts';

/** The built-in profiles, published with the platform; the province edits them as new versions. */
export const BUILT_IN_PROFILES: readonly StandardProfile[] = [
  FRUIT_VEG,
  FISHERY_FISH_SAUCE,
  MEAT,
  HONEY,
  PACKAGED_FOOD,
  RICE,
  LOTUS,
  TEA,
  ESSENTIAL_OIL,
  MEDICINAL_HERBS,
  FSMA_204,
  GDST_1_2,
];
