import { classify, type Classification } from './classify';
import { MODEL } from './model';

export type { Classification as DisputeClassification };

/** A complaint's dispute type by the committed model (trained on shared/corpus/complaints by scripts/train-classifier.ts). */
export function classifyComplaint(text: string): Classification {
  return classify(MODEL, text);
}
