/** How the records page names stores, stations and people; shared with the detail drawer. */
export interface Names {
  store: (id: string) => string;
  station: (id: string | null) => string;
  person: (id: string | null) => string;
}

export interface RecordsOutlet {
  names: Names;
  /** A payment changed (a refund): refresh the list and its totals. */
  onChanged: () => void;
}
