import { expect, type Page } from '@playwright/test';

/** Fills an input found by its data-testid. */
export async function fill(page: Page, testId: string, value: string): Promise<void> {
  const input = page.getByTestId(testId);
  await input.fill(value);
}

/** antd's message toasts stack up over the header; wait for them to go before clicking there. */
export async function signOut(page: Page): Promise<void> {
  await page.getByTestId('sign-out').click();
  await expect(page).toHaveURL(/\/login$/);
}
