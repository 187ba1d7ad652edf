import type { Tensor } from './tensor.js';

/**
 * The backward rule of one recorded op: given the gradient of the output, return one gradient per
 * parent (null where a parent needs none). A returned gradient may have the output's (broadcast)
 * shape; the engine reduces it to the parent's shape in one place.
 */
export type BackwardFn = (grad: Tensor) => (Tensor | null)[];

/** A recorded op: the link from an output tensor back to its inputs. */
export interface GraphNode {
  /** The op's name, for error messages. */
  op: string;
  parents: readonly Tensor[];
  backward: BackwardFn | null;
  /** Set once backward has consumed the node and released its inputs. */
  freed: boolean;
}
