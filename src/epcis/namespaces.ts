/** Namespace prefixes the EPCIS 2.0 JSON-LD context defines; documents may add their own. */
export const STANDARD_NAMESPACES: Readonly<Record<string, string>> = {
  epcis: 'https://ref.gs1.org/epcis/',
  cbv: 'https://ref.gs1.org/cbv/',
  cbvmda: 'urn:epcglobal:cbv:mda:',
  gs1: 'https://gs1.org/voc/',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  owl: 'http://www.w3.org/2002/07/owl#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  dcterms: 'http://purl.org/dc/terms/',
};

/** The XML namespaces of the EPCIS document formats. */
export const EPCIS_XML_NS_2 = 'urn:epcglobal:epcis:xsd:2';
export const EPCIS_XML_NS_1 = 'urn:epcglobal:epcis:xsd:1';
export const EPCIS_QUERY_XML_NS_2 = 'urn:epcglobal:epcis-query:xsd:2';
export const EPCIS_QUERY_XML_NS_1 = 'urn:epcglobal:epcis-query:xsd:1';
export const EPCIS_MASTERDATA_XML_NS_2 = 'urn:epcglobal:epcis-masterdata:xsd:2';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
