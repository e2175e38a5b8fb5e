// What executor threads load so mining functions ship by name.
import "./near-duplicates";
