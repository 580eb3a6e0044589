/**
 * The link types of the GS1 Web Vocabulary that a resolver may serve, with their English titles: the
 * `activeLinkTypes` list of GS1 Resolver CE's description file (`web_server/src/public/gs1resolver.json`, GS1
 * Resolver CE commit bf885fd, Apache-2.0), as data. Two of its keys lack the `gs1:` prefix upstream (`traceability`,
 * `statisticInfo`, whose URLs are in the GS1 namespace); they are listed here with it. A unit test compares this list
 * with the file in the conformance corpus. Pure.
 */
export const GS1_LINK_TYPES: ReadonlyMap<string, string> = new Map([
  ['gs1:activityIdeas', 'Activity Ideas'],
  ['gs1:allergenInfo', 'Allergen information'],
  ['gs1:brandHomepageClinical', 'Information for professionals about this brand'],
  ['gs1:brandHomepagePatient', 'Information for patients about this brand'],
  ['gs1:certificationInfo', 'Certification Information'],
  ['gs1:consumerHandlingStorageInfo', 'Consumer handling and storage information'],
  ['gs1:epcis', 'EPC Information Services (EPCIS) repository'],
  ['gs1:epil', 'Electronic Patient Information Leaflet'],
  ['gs1:faqs', 'Frequently Asked Questions'],
  ['gs1:hasRetailers', 'Has Retailers'],
  ['gs1:ingredientsInfo', 'Ingredients information'],
  ['gs1:instructions', 'Instructions'],
  ['gs1:jws', 'JSON Web Signature'],
  ['gs1:leaveReview', 'Leave a review'],
  ['gs1:masterData', 'Master data'],
  ['gs1:nutritionalInfo', 'Nutritional Information'],
  ['gs1:pip', 'Product Information Page'],
  ['gs1:promotion', 'Promotion'],
  ['gs1:purchaseSuppliesOrAccessories', 'Purchase supplies or accessories'],
  ['gs1:quickStartGuide', 'Quick start guide'],
  ['gs1:recallStatus', 'Recall status'],
  ['gs1:recipeInfo', 'Recipe website'],
  ['gs1:registerProduct', 'Register purchase'],
  ['gs1:relatedVideo', 'Related video'],
  ['gs1:review', 'Reviews'],
  ['gs1:safetyInfo', 'Safety information'],
  ['gs1:serviceInfo', 'Service information'],
  ['gs1:smartLabel', 'SmartLabel'],
  ['gs1:smpc', 'Summary Product Characteristics (SmPC)'],
  ['gs1:socialMedia', 'Social media'],
  ['gs1:support', 'Support'],
  ['gs1:traceability', 'Traceability information'],
  ['gs1:tutorial', 'Tutorial'],
  ['gs1:verificationService', 'Verification Service'],
  ['gs1:whatsInTheBox', "What's in the box?"],
  ['gs1:sustainabilityInfo', 'Sustainability and recycling'],
  ['gs1:locationInfo', 'Location information'],
  ['gs1:logisticsInfo', 'Logistics information'],
  ['gs1:careersInfo', 'Careers information'],
  ['gs1:eventsInfo', 'Events information'],
  ['gs1:menuInfo', 'Menu information'],
  ['gs1:scheduleTime', 'Scheduling/Reservation'],
  ['gs1:paymentLink', 'Make Payment'],
  ['gs1:userAgreement', 'Sign waiver/agreement/document'],
  ['gs1:statisticInfo', 'Statistics'],
  ['gs1:openingHoursInfo', 'Opening hours information'],
  ['gs1:homepage', 'Organisation Information Page'],
  ['gs1:registryEntry', 'Entry in a register'],
  ['gs1:disassemblyInfo', 'Product disassembly'],
  ['gs1:handlingEndOfLife', 'Product EOL handling'],
  ['gs1:productPassport', 'Product Passport'],
  ['gs1:recyclingInfo', 'Product recycling'],
  ['gs1:repairInfo', 'Product repair'],
  ['gs1:reuseInfo', 'Product re-use'],
  ['gs1:sorting', 'Sorting'],
]);

/** The GS1 Web Vocabulary namespace in its current form (GS1-Conformant Resolver 1.2 linksets use it). */
export const GS1_VOC = 'https://ref.gs1.org/voc/';
/** The namespace as written by older resolvers and GS1 Resolver CE (`http(s)://gs1.org/voc/`). */
const LEGACY_GS1_VOC = /^https?:\/\/(?:ref\.)?gs1\.org\/voc\//;

/** Link types with a meaning to the resolver itself, not stored as ordinary links. */
export const DEFAULT_LINK = 'gs1:defaultLink';
export const DEFAULT_LINK_MULTI = 'gs1:defaultLinkMulti';

/**
 * The CURIE (`gs1:pip`) of a link type written as a CURIE or as a full GS1 Web Vocabulary URI, when it names an active
 * GS1 link type (or the default-link types); undefined otherwise.
 */
export function normaliseLinkType(value: string): string | undefined {
  const trimmed = value.trim();
  const curie = LEGACY_GS1_VOC.test(trimmed) ? `gs1:${trimmed.replace(LEGACY_GS1_VOC, '')}` : trimmed;
  if (curie === DEFAULT_LINK || curie === DEFAULT_LINK_MULTI) return curie;
  return GS1_LINK_TYPES.has(curie) ? curie : undefined;
}

/** The full URI of a link type CURIE, as RFC 9264 linksets key their link arrays. */
export function linkTypeUri(curie: string): string {
  return curie.startsWith('gs1:') ? `${GS1_VOC}${curie.slice(4)}` : curie;
}
