// Worker-side entry points are shipped by name (engine/common/closure's registerShippable), so a
// task carries a reference instead of the reader's source text.

export { registerShippable } from "../../common/closure";
